"""Hundreds of concurrent joins: never one request in two sessions, never a request lost."""
import collections
import concurrent.futures

from conftest import *  # noqa: F401,F403


def test_concurrent_joins_keep_the_matchmaking_invariants(make_service):
    svc = make_service({"CONV_PRESENCE_GRACE_S": "600"})
    users = [f"u{i}" for i in range(400)]
    levels = ["A1", "A2", "B1", "B2", "C1", "C2"]
    for u in users:
        svc.token(u)  # mint first so that the joins race each other, not the token route

    def join(i):
        u = users[i]
        r = svc.join(u, "en" if i % 3 else "fr", levels[i % len(levels)])
        return u, r.status_code, r.json()

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        results = list(pool.map(join, range(len(users))))

    assert all(code in (201, 202) for _, code, _ in results), [r for r in results if r[1] not in (201, 202)]
    sessions = {}
    for u, code, body in results:
        if code == 201:
            sessions[body["session"]["id"]] = body["session"]
    in_sessions = collections.Counter()
    for s in sessions.values():
        in_sessions[s["participant1Id"]] += 1
        in_sessions[s["participant2Id"]] += 1
        assert s["participant1Id"] != s["participant2Id"]
    assert all(n == 1 for n in in_sessions.values()), "a user is in two sessions"

    # Every user is either matched (in exactly one session) or still pending: none lost.
    for u in users:
        status = svc.get("/matchmaking/status", u).json()
        if u in in_sessions:
            assert status["status"] == "matched", (u, status)
        else:
            assert status["status"] == "pending", (u, status)
    # Whoever still waits has nobody compatible waiting: otherwise a match was missed.
    pending = [(r["request"]["targetLanguageCode"], r["request"]["userLevel"]) for u, c, r in results
               if u not in in_sessions]
    order = {l: i for i, l in enumerate(levels)}
    for i, (la, lv) in enumerate(pending):
        for lb, lw in pending[i + 1:]:
            assert not (la == lb and abs(order[lv] - order[lw]) <= 1), "two compatible users left waiting"


def test_leaves_racing_joins_never_leave_a_user_in_a_session_they_left(make_service):
    svc = make_service({"CONV_PRESENCE_GRACE_S": "600"})
    users = [f"v{i}" for i in range(300)]
    languages = ["en", "fr", "de", "es", "it", "pt", "nl", "pl"]
    for u in users:
        svc.token(u)

    def join_then_maybe_leave(i):
        u = users[i]
        joined = svc.join(u, languages[i % len(languages)], "B1")
        left = svc.post("/matchmaking/leave", u) if i % 2 == 0 and joined.status_code == 202 else None
        return u, joined, left

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        results = list(pool.map(join_then_maybe_leave, range(len(users))))

    sessions = {}
    for u, joined, _ in results:
        assert joined.status_code in (201, 202), joined.text
        if joined.status_code == 201:
            sessions[joined.json()["session"]["id"]] = joined.json()["session"]
    participants = collections.Counter()
    for s in sessions.values():
        participants[s["participant1Id"]] += 1
        participants[s["participant2Id"]] += 1
    assert all(n == 1 for n in participants.values()), "a user is in two sessions"

    for u, joined, left in results:
        status = svc.get("/matchmaking/status", u).json()["status"]
        if left is not None and left.status_code == 200:
            # Left in time: cancelled, and nobody was matched with them.
            assert status == "cancelled" and participants[u] == 0, (u, status)
        elif left is not None:
            # Too late to leave: they had been matched.
            assert left.status_code == 404 and left.json()["error"]["code"] == "NOT_IN_QUEUE", left.text
            assert status == "matched" and participants[u] == 1, (u, status)
        else:
            assert status in ("matched", "pending"), (u, status)
            assert (status == "matched") == (participants[u] == 1), (u, status)
