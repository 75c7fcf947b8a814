"""Matchmaking as the seed's algorithm and the contract describe it."""
import re

from conftest import *  # noqa: F401,F403


def test_first_joiner_waits_and_second_is_matched(service):
    wa, wb = service.ws("marie"), service.ws("jean")
    r = service.join("marie")
    assert r.status_code == 202
    body = r.json()
    assert body["status"] == "pending" and body["request"]["status"] == "pending"
    assert body["request"]["userId"] == "marie" and body["request"]["expiresAt"] > body["request"]["createdAt"]

    r = service.join("jean")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "matched" and body["isInitiator"] is False
    session = body["session"]
    assert session["status"] == "waiting"
    assert (session["participant1Id"], session["participant2Id"]) == ("marie", "jean")
    assert body["request"]["status"] == "matched" and body["request"]["matchedWithUserId"] == "marie"
    assert body["request"]["sessionId"] == session["id"]

    fa = wa.recv("match-found")
    fb = wb.recv("match-found")
    assert fa["isInitiator"] is True and fb["isInitiator"] is False
    assert fa["partner"] == {"userId": "jean", "level": "B1"}
    assert fb["partner"] == {"userId": "marie", "level": "B1"}
    assert fa["sessionId"] == fb["sessionId"] == session["id"]
    assert fa["topic"] and fa["topic"]["targetLanguageCode"] == "en" and fa["topic"]["promptQuestions"]
    assert isinstance(fa["iceServers"], list)

    status = service.get("/matchmaking/status", "marie").json()
    assert status["status"] == "matched" and status["matchedWithUserId"] == "jean"
    for t in ("matchmaking.requested", "matchmaking.matched", "session.created"):
        service.wait_for_event(t)


def test_every_event_has_the_contracts_envelope(service):
    service.ws("marie"), service.ws("jean")
    service.join("marie")
    session = service.join("jean").json()["session"]
    service.wait_for_event("session.created", sessionId=session["id"])
    events = service.events()
    rfc3339_ms = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
    for e in events:
        assert set(e) == {"eventId", "type", "occurredAt", "version", "data"}, e
        assert e["version"] == 1 and isinstance(e["data"], dict) and e["eventId"]
        assert rfc3339_ms.match(e["occurredAt"]), e["occurredAt"]
    assert len({e["eventId"] for e in events}) == len(events)
    types = [e["type"] for e in events]
    assert types.count("matchmaking.requested") == 2 and types.count("matchmaking.matched") == 2
    assert types.index("session.created") > types.index("matchmaking.requested")


def test_a_user_already_waiting_gets_already_in_queue(service):
    assert service.join("marie").status_code == 202
    r = service.join("marie", "fr", "A1")
    assert r.status_code == 409 and r.json()["error"]["code"] == "ALREADY_IN_QUEUE"


def test_a_user_in_a_session_gets_already_in_session(service):
    pair(service)
    r = service.join("marie")
    assert r.status_code == 409 and r.json()["error"]["code"] == "ALREADY_IN_SESSION"


def test_levels_more_than_one_step_apart_never_match(service):
    service.ws("a"), service.ws("b")
    assert service.join("a", level="A1").status_code == 202
    assert service.join("b", level="B1").status_code == 202  # two steps away: both wait


def test_level_below_is_preferred_to_level_above(service):
    # Requests that wait together are pairwise incompatible, so the choice a joiner really
    # faces is one level below versus one level above (the queue's contract tests cover
    # same-level-first and oldest-first).
    for u in ("above", "below"):
        service.ws(u)
    assert service.join("above", level="B2").status_code == 202
    assert service.join("below", level="A2").status_code == 202
    r = service.join("joiner", level="B1")
    assert r.status_code == 201 and r.json()["session"]["participant1Id"] == "below"
    r = service.join("joiner2", level="B1")
    assert r.status_code == 201 and r.json()["session"]["participant1Id"] == "above"


def test_languages_never_mix(service):
    service.ws("en1")
    assert service.join("en1", "en", "B1").status_code == 202
    assert service.join("fr1", "fr", "B1").status_code == 202


def test_leave_cancels_the_request(service):
    service.ws("marie")
    service.join("marie")
    r = service.post("/matchmaking/leave", "marie")
    assert r.status_code == 200 and r.json()["request"]["status"] == "cancelled"
    assert service.get("/matchmaking/status", "marie").json()["status"] == "cancelled"
    r = service.post("/matchmaking/leave", "marie")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_IN_QUEUE"
    assert service.join("jean").status_code == 202  # marie is no longer a partner
    service.wait_for_event("matchmaking.cancelled")


def test_status_before_any_request_is_not_found(service):
    r = service.get("/matchmaking/status", "nobody")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"


def test_join_validation(service):
    r = service.post("/matchmaking/join", "marie", {"targetLanguageCode": "EN", "userLevel": "B9", "x": 1})
    assert r.status_code == 400
    assert {d["field"] for d in r.json()["error"]["details"]} == {"targetLanguageCode", "userLevel", "x"}


def test_expired_request_tells_the_user(make_service):
    s = make_service({"CONV_MATCH_TIMEOUT_S": "1"})
    w = s.ws("marie")
    r = s.join("marie")
    timeout = w.recv("match-timeout", timeout=10)
    assert timeout["requestId"] == r.json()["request"]["id"]
    assert s.get("/matchmaking/status", "marie").json()["status"] == "expired"
    s.wait_for_event("matchmaking.expired")
    assert s.join("jean").status_code == 202  # marie is not a partner any more


def test_a_request_without_a_connection_is_cancelled_after_the_presence_grace(make_service):
    s = make_service({"CONV_PRESENCE_GRACE_S": "1"})
    s.join("ghost")
    deadline = time.monotonic() + 10
    while s.get("/matchmaking/status", "ghost").json()["status"] != "cancelled":
        assert time.monotonic() < deadline, "the ghost's request was never cancelled"
        time.sleep(0.1)
    assert s.join("real").status_code == 202  # not matched with the ghost


def test_a_connected_user_is_not_cancelled_by_the_presence_grace(make_service):
    s = make_service({"CONV_PRESENCE_GRACE_S": "1"})
    w = s.ws("present")
    s.join("present")
    time.sleep(2)
    assert s.get("/matchmaking/status", "present").json()["status"] == "pending"
    w.close()


def test_preferred_topic_of_the_waiting_user_wins(service):
    service.post("/topics", "root", {"targetLanguageCode": "en", "level": "C1", "title": "Cities"}, admin=True)
    topics = service.get("/topics?language=en&level=C1", "x").json()["items"]
    assert len(topics) >= 2
    service.ws("a")
    service.join("a", level="C1", preferredTopicId=topics[0]["id"])
    r = service.join("b", level="C1", preferredTopicId=topics[1]["id"])
    assert r.json()["session"]["topicId"] == topics[0]["id"]
