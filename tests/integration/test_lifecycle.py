"""Every row of the contract's lifecycle table, driven through the real binary."""
from conftest import *  # noqa: F401,F403


def ended(ws, session_id, timeout=10):
    return ws.recv("session-ended", sessionId=session_id, timeout=timeout)


def test_both_peer_connected_makes_the_session_active(service):
    wa, wb, s = pair(service)
    wa.send({"type": "peer-connected", "sessionId": s["id"]})
    wa.expect_nothing("session-started", within=0.3)
    wb.send({"type": "peer-connected", "sessionId": s["id"]})
    started = wa.recv("session-started")
    wb.recv("session-started")
    assert started["sessionId"] == s["id"]
    got = service.get(f"/sessions/{s['id']}", "marie").json()
    assert got["status"] == "active" and got["startedAt"]
    service.wait_for_event("session.started", sessionId=s["id"])


def test_waiting_times_out_as_connect_timeout(make_service):
    svc = make_service({"CONV_WAITING_TIMEOUT_S": "1"})
    wa, wb, s = pair(svc)
    for w in (wa, wb):
        e = ended(w, s["id"])
        assert e["status"] == "cancelled" and e["endReason"] == "connect_timeout"
        assert e["actualDurationSeconds"] == 0
    svc.wait_for_event("session.cancelled", sessionId=s["id"], endReason="connect_timeout")


def test_ending_while_waiting_is_cancelled_by_user(service):
    wa, wb, s = pair(service)
    r = service.post(f"/sessions/{s['id']}/end", "jean")
    assert r.status_code == 200 and r.json()["endReason"] == "cancelled_by_user"
    assert ended(wa, s["id"])["endReason"] == "cancelled_by_user"
    assert ended(wb, s["id"])["status"] == "cancelled"


def test_ending_after_the_minimum_completes(service):
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    time.sleep(2.2)  # CONV_MIN_COMPLETED_S=2 in the tests
    r = service.post(f"/sessions/{s['id']}/end", "marie")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "completed" and body["endReason"] == "completed"
    assert body["actualDurationSeconds"] >= 2
    for w in (wa, wb):
        assert ended(w, s["id"])["status"] == "completed"
    e = service.wait_for_event("session.completed", sessionId=s["id"])
    assert e["data"]["xpEligible"] is True and set(e["data"]["participants"]) == {"marie", "jean"}


def test_ending_before_the_minimum_is_too_short(make_service):
    svc = make_service({"CONV_MIN_COMPLETED_S": "60"})
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    r = svc.post(f"/sessions/{s['id']}/end", "jean")
    assert r.json()["status"] == "cancelled" and r.json()["endReason"] == "too_short"
    assert ended(wa, s["id"])["endReason"] == "too_short"


def test_a_silent_participant_drops_the_call(make_service):
    svc = make_service({"CONV_HEARTBEAT_INTERVAL_S": "1", "CONV_HEARTBEAT_TIMEOUT_S": "2", "CONV_MIN_COMPLETED_S": "60"})
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    # marie keeps beating, jean falls silent.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        wa.send({"type": "heartbeat", "sessionId": s["id"]})
        try:
            e = wa.recv("session-ended", timeout=0.5)
            break
        except TimeoutError:
            continue
    else:
        raise AssertionError("the call was never dropped")
    assert e["status"] == "cancelled" and e["endReason"] == "dropped"


def test_a_dropped_call_past_the_minimum_is_completed(make_service):
    svc = make_service({"CONV_HEARTBEAT_INTERVAL_S": "1", "CONV_HEARTBEAT_TIMEOUT_S": "3", "CONV_MIN_COMPLETED_S": "1"})
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    for _ in range(4):  # both beat for about two seconds, then both fall silent
        for w in (wa, wb):
            w.send({"type": "heartbeat", "sessionId": s["id"]})
            assert w.recv("heartbeat-ack")["sessionId"] == s["id"]
        time.sleep(0.5)
    e = ended(wa, s["id"], timeout=10)
    assert e["status"] == "completed" and e["endReason"] == "dropped"
    assert e["actualDurationSeconds"] >= 1


def test_max_duration_completes_the_call(make_service):
    svc = make_service({"CONV_MAX_DURATION_S": "2", "CONV_MIN_COMPLETED_S": "1"})
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    e = ended(wa, s["id"])
    assert e["status"] == "completed" and e["endReason"] == "max_duration"
    assert e["actualDurationSeconds"] >= 1


def test_reporting_while_waiting_or_active_cancels(service):
    for users, activate in ((("a1", "b1"), False), (("a2", "b2"), True)):
        wa, wb, s = pair(service, *users)
        if activate:
            connect(service, wa, wb, s)
        r = service.post(f"/sessions/{s['id']}/report", users[0], {"reason": "abusive", "details": "shouted"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "cancelled" and r.json()["endReason"] == "reported"
        assert ended(wb, s["id"])["endReason"] == "reported"
        e = service.wait_for_event("session.reported", sessionId=s["id"])
        assert e["data"]["reportedBy"] == users[0] and e["data"]["reportedUserId"] == users[1]
        assert e["data"]["reason"] == "abusive"


def test_a_completed_call_can_still_be_reported_without_changing_it(service):
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    time.sleep(2.1)
    service.post(f"/sessions/{s['id']}/end", "marie")
    r = service.post(f"/sessions/{s['id']}/report", "jean", {"reason": "rude"})
    assert r.status_code == 200 and r.json()["status"] == "completed"
    service.wait_for_event("session.reported", sessionId=s["id"])


def test_each_transition_happens_once(service):
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    time.sleep(2.1)
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda u: service.post(f"/sessions/{s['id']}/end", u).status_code,
                                ["marie", "jean"] * 4))
    assert results.count(200) == 1 and results.count(409) == 7
    ended(wa, s["id"])
    wa.expect_nothing("session-ended", within=0.5)
    time.sleep(0.3)
    finished = [e for e in service.events() if e["data"].get("sessionId") == s["id"]
                and e["type"] in ("session.completed", "session.cancelled")]
    assert len(finished) == 1


def test_ending_an_ended_session_is_invalid_state(service):
    wa, wb, s = pair(service)
    service.post(f"/sessions/{s['id']}/end", "marie")
    r = service.post(f"/sessions/{s['id']}/end", "marie")
    assert r.status_code == 409 and r.json()["error"]["code"] == "INVALID_STATE"


def test_outsiders_cannot_see_or_end_a_session(service):
    wa, wb, s = pair(service)
    for path, method in ((f"/sessions/{s['id']}", "GET"), (f"/sessions/{s['id']}/end", "POST"),
                         (f"/sessions/{s['id']}/report", "POST")):
        r = service.request(method, path, "eve", json={"reason": "x"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "SESSION_NOT_FOUND"
    assert service.get(f"/sessions/{s['id']}", "root", admin=True).status_code == 200


def test_history_lists_the_callers_sessions_newest_first(service):
    ids = []
    for i in range(3):
        wa, wb, s = pair(service, "hist", f"partner{i}")
        service.post(f"/sessions/{s['id']}/end", "hist")
        ids.append(s["id"])
    r = service.get("/sessions?limit=2", "hist")
    page = r.json()
    assert [x["id"] for x in page["items"]] == ids[::-1][:2]
    r = service.get(f"/sessions?limit=2&cursor={page['nextCursor']}", "hist")
    assert [x["id"] for x in r.json()["items"]] == ids[:1]
    assert service.get("/sessions?status=active", "hist").json()["items"] == []
    assert service.get("/sessions?status=bogus", "hist").status_code == 400
    assert len(service.get("/sessions", "partner0").json()["items"]) == 1


def test_each_participant_reports_a_session_once(service):
    # Every report is an event kept for good: one session must not feed moderation (and the
    # event log) without end.
    wa, wb, s = pair(service)
    r = service.post(f"/sessions/{s['id']}/report", "marie", {"reason": "abusive"})
    assert r.status_code == 200 and r.json()["endReason"] == "reported", r.text
    for _ in range(2):
        again = service.post(f"/sessions/{s['id']}/report", "marie", {"reason": "abusive again"})
        assert again.status_code == 409 and again.json()["error"]["code"] == "INVALID_STATE", again.text
    r = service.post(f"/sessions/{s['id']}/report", "jean", {"reason": "rude"})
    assert r.status_code == 200, r.text
    again = service.post(f"/sessions/{s['id']}/report", "jean", {"reason": "rude"})
    assert again.status_code == 409, again.text
    service.wait_for_event("session.reported", sessionId=s["id"], reportedBy="jean")
    reports = [e for e in service.events() if e["type"] == "session.reported"]
    assert sorted(e["data"]["reportedBy"] for e in reports) == ["jean", "marie"]
    # Who reported whom is not shown to the participants.
    for user in ("marie", "jean"):
        assert "Reported" not in service.get(f"/sessions/{s['id']}", user).text
