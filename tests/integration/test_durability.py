"""A restart with the same data directory keeps everything and resumes what was in flight."""
import datetime
import json
import os
import signal
import time

from conftest import *  # noqa: F401,F403


def test_a_restart_keeps_topics_sessions_requests_and_events(service):
    created = service.post("/topics", "root", {"targetLanguageCode": "de", "level": "C2", "title": "Philosophie"},
                           admin=True).json()
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    time.sleep(2.1)
    service.post(f"/sessions/{s['id']}/end", "marie")
    service.ws("waiter")
    pending = service.join("waiter", "es", "A1").json()["request"]
    events_before = len(service.events())
    wa.close(), wb.close()

    service.restart()
    assert service.get(f"/topics/{created['id']}", "x").json()["title"] == "Philosophie"
    assert service.get(f"/sessions/{s['id']}", "marie").json()["status"] == "completed"
    assert service.get("/matchmaking/status", "waiter").json()["id"] == pending["id"]
    assert len(service.events()) >= events_before
    # The pending request is back in line: a compatible joiner is matched with it.
    r = service.join("joiner", "es", "A1")
    assert r.status_code == 201 and r.json()["session"]["participant1Id"] == "waiter"


def test_a_live_session_survives_a_restart_and_its_timers_resume(make_service):
    svc = make_service({"CONV_HEARTBEAT_TIMEOUT_S": "4", "CONV_MIN_COMPLETED_S": "60"})
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    svc.restart()
    wa, wb = svc.ws("marie"), svc.ws("jean")
    assert svc.get(f"/sessions/{s['id']}", "marie").json()["status"] == "active"
    wa.send({"type": "ice-candidate", "sessionId": s["id"], "candidate": "after-restart"})
    assert wb.recv("ice-candidate")["candidate"] == "after-restart"
    # Nobody beats: the resumed heartbeat timers end the call instead of leaving it hanging.
    e = wa.recv("session-ended", timeout=15)
    assert e["endReason"] == "dropped"


def unix_time(rfc3339):
    return datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def killed_during_a_call(svc):
    """marie and jean in an active call, then the service SIGKILLed: (session, when)."""
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    svc.stop(signal.SIGKILL)
    return s, time.time()


def session_once_not(svc, session_id, status, timeout):
    """The session as marie sees it once its status is no longer `status`."""
    deadline = time.monotonic() + timeout
    while (got := svc.get(f"/sessions/{session_id}", "marie").json())["status"] == status:
        assert time.monotonic() < deadline, got
        time.sleep(0.1)
    return got


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL])
def test_a_call_nobody_resumes_after_a_restart_does_not_count_the_downtime(make_service, stop_signal):
    # Down for longer than a completed call's minimum: counting the downtime would make the
    # call look completed. (A clean stop itself takes up to ~3 s: the clients here do not
    # answer the close frame.)
    svc = make_service({"CONV_HEARTBEAT_TIMEOUT_S": "3", "CONV_MIN_COMPLETED_S": "6"})
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    svc.stop(stop_signal)
    stopped = time.time()
    time.sleep(7)
    svc.start(svc.port)
    ended = session_once_not(svc, s["id"], "active", timeout=15)
    assert ended["status"] == "cancelled" and ended["endReason"] == "dropped"
    assert ended["actualDurationSeconds"] < 6
    ended_at = unix_time(ended["endedAt"])
    assert ended_at <= stopped + 0.5  # within the marking interval of the stop, not at the restart


def test_a_second_restart_before_anyone_is_heard_keeps_the_first_runs_mark(make_service):
    # The run in between heard nobody from the call: its own mark is not the call's last
    # sign of life, the first run's is, however many restarts come before the verdict.
    svc = make_service({"CONV_HEARTBEAT_TIMEOUT_S": "3", "CONV_MIN_COMPLETED_S": "6"})
    s, stopped = killed_during_a_call(svc)
    time.sleep(4)
    svc.start(svc.port)
    time.sleep(1.5)  # up for less than a heartbeat timeout; nobody from the call comes back
    assert svc.get(f"/sessions/{s['id']}", "marie").json()["status"] == "active"  # no verdict yet
    svc.stop(signal.SIGKILL)
    time.sleep(1)
    svc.start(svc.port)
    ended = session_once_not(svc, s["id"], "active", timeout=15)
    assert ended["status"] == "cancelled" and ended["endReason"] == "dropped", ended
    ended_at = unix_time(ended["endedAt"])
    assert ended_at <= stopped + 0.5, (ended, stopped)


def test_a_call_ends_where_its_first_participant_fell_silent_across_restarts(make_service):
    # marie comes back and is heard in the second run; jean never does. After another
    # restart, whichever of their timers fires first, the call ends at jean's last sign of
    # life: the first run's mark (marie's is the second run's).
    svc = make_service({"CONV_HEARTBEAT_TIMEOUT_S": "4", "CONV_MIN_COMPLETED_S": "600"})
    s, first_stop = killed_during_a_call(svc)
    time.sleep(1)
    svc.start(svc.port)
    wa = svc.ws("marie")
    wa.send({"type": "heartbeat", "sessionId": s["id"]})
    wa.recv("heartbeat-ack")
    time.sleep(1.5)  # the list of unheard participants is kept within about a second
    assert svc.get(f"/sessions/{s['id']}", "marie").json()["status"] == "active"  # no verdict yet
    svc.stop(signal.SIGKILL)
    svc.start(svc.port)
    ended = session_once_not(svc, s["id"], "active", timeout=15)
    ended_at = unix_time(ended["endedAt"])
    assert ended["endReason"] == "dropped" and ended_at <= first_stop + 0.5, (ended, first_stop)


DOWNTIME_PAST_THE_LIMIT = {"CONV_HEARTBEAT_TIMEOUT_S": "3", "CONV_HEARTBEAT_INTERVAL_S": "1",
                           "CONV_MIN_COMPLETED_S": "6", "CONV_MAX_DURATION_S": "8"}


def test_a_call_whose_limit_passed_while_down_and_nobody_resumes_is_dropped_not_completed(make_service):
    # The call died with the service, one second in; its 8-s limit passes while it is down.
    svc = make_service(DOWNTIME_PAST_THE_LIMIT)
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    svc.stop(signal.SIGKILL)
    stopped = time.time()
    time.sleep(9)
    svc.start(svc.port)
    ended = session_once_not(svc, s["id"], "active", timeout=15)
    assert (ended["status"], ended["endReason"]) == ("cancelled", "dropped"), ended
    assert ended["actualDurationSeconds"] < 6
    ended_at = unix_time(ended["endedAt"])
    assert ended_at <= stopped + 0.5


def test_a_call_whose_limit_passed_while_down_and_that_went_on_ends_at_its_limit(make_service):
    # Media is peer to peer: the participants kept talking while the service was down, and
    # say so with their heartbeats once it is back.
    svc = make_service(DOWNTIME_PAST_THE_LIMIT)
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    started = datetime.datetime.fromisoformat(
        svc.get(f"/sessions/{s['id']}", "marie").json()["startedAt"].replace("Z", "+00:00"))
    svc.stop(signal.SIGKILL)
    time.sleep(9)
    svc.start(svc.port)
    wa, wb = svc.ws("marie"), svc.ws("jean")
    ended = None
    deadline = time.monotonic() + 15
    while ended is None and time.monotonic() < deadline:
        for ws in (wa, wb):
            ws.send({"type": "heartbeat", "sessionId": s["id"]})
        try:
            ended = wa.recv("session-ended", timeout=0.5)
        except TimeoutError:
            pass
    assert ended is not None and ended["endReason"] == "max_duration", ended
    got = svc.get(f"/sessions/{s['id']}", "marie").json()
    assert got["status"] == "completed" and got["actualDurationSeconds"] == 8, got
    ended_at = datetime.datetime.fromisoformat(got["endedAt"].replace("Z", "+00:00"))
    assert (ended_at - started).total_seconds() == 8


def test_a_waiting_session_survives_a_restart_and_can_start(service):
    wa, wb, s = pair(service)
    service.restart()
    wa, wb = service.ws("marie"), service.ws("jean")
    connect(service, wa, wb, s)
    assert service.get(f"/sessions/{s['id']}", "jean").json()["status"] == "active"


def test_a_waiting_session_whose_connect_timeout_passed_while_down_is_cancelled_at_start(make_service):
    svc = make_service({"CONV_WAITING_TIMEOUT_S": "2"})
    wa, wb, s = pair(svc)
    svc.stop()
    time.sleep(2.5)
    svc.start(svc.port)
    got = session_once_not(svc, s["id"], "waiting", timeout=10)
    assert got["status"] == "cancelled" and got["endReason"] == "connect_timeout"


def test_a_request_that_expired_while_the_service_was_down_expires_at_start(make_service):
    svc = make_service({"CONV_MATCH_TIMEOUT_S": "2", "CONV_PRESENCE_GRACE_S": "600"})
    svc.join("sleeper")
    svc.stop()
    time.sleep(2.5)
    svc.start(svc.port)
    deadline = time.monotonic() + 10
    while svc.get("/matchmaking/status", "sleeper").json()["status"] != "expired":
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_sigterm_closes_websockets_with_1001_and_exits_cleanly(service):
    w = service.ws("alice")
    service.proc.send_signal(signal.SIGTERM)
    assert w.wait_closed()[0] == 1001
    assert service.proc.wait(timeout=20) == 0


def test_a_request_on_a_kept_alive_connection_after_sigterm_gets_503(service):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=10)
    conn.request("GET", "/healthz")
    first = conn.getresponse()
    first.read()
    assert first.status == 200 and not first.will_close
    w = service.ws("alice")  # does not answer the close frame: the stop waits for it
    service.proc.send_signal(signal.SIGTERM)
    assert w.wait_closed()[0] == 1001  # the service is stopping
    conn.request("GET", "/healthz")
    late = conn.getresponse()
    body = json.loads(late.read())
    assert late.status == 503 and body["error"]["code"] == "SERVICE_UNAVAILABLE", body
    assert service.proc.wait(timeout=20) == 0


def test_sigterm_lets_a_request_in_flight_finish(service):
    import threading
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    result = {}

    def upload():
        def body():
            for _ in range(10):
                yield b"x" * 10000
                time.sleep(0.1)
        result["r"] = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=body(),
                                      headers={"Content-Type": "audio/wav"})

    t = threading.Thread(target=upload)
    t.start()
    time.sleep(0.3)
    service.proc.send_signal(signal.SIGTERM)
    t.join(20)
    assert result["r"].status_code == 200
    assert service.proc.wait(timeout=20) == 0


def test_recordings_no_session_names_are_removed_at_start(service):
    # What a crash between storing an upload and naming it on the session leaves behind,
    # for a session nobody uploads to again: nothing would ever remove it.
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    kept = os.urandom(10_000)
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=kept,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 200, r.text
    wa2, wb2, other = pair(service, "anna", "otto")
    audio = service.data_dir / "audio"
    service.stop()
    (audio / f"{other['id']}.rec").write_bytes(b"cut short by a crash")
    (audio / "no-such-session.rec").write_bytes(b"cut short by a crash")
    service.start(service.port)
    assert sorted(p.name for p in audio.glob("*.rec")) == [f"{s['id']}.rec"]
    assert service.request("GET", f"/sessions/{s['id']}/audio", "jean").content == kept


def test_a_participant_of_a_waiting_session_gets_match_found_again_after_a_restart(make_service):
    # What the previous run held for a participant who was offline is gone with it.
    svc = make_service({"CONV_PRESENCE_GRACE_S": "600"})
    svc.join("marie")  # then offline: no WebSocket
    r = svc.join("jean")
    assert r.status_code == 201, r.text
    session = r.json()["session"]
    svc.restart()
    wa = svc.ws("marie")
    found = wa.recv("match-found", sessionId=session["id"])
    assert found["isInitiator"] is True and found["partner"]["userId"] == "jean"
    assert "iceServers" in found and found["heartbeatIntervalS"] > 0
    # Once the call has started there is nothing to repeat.
    wb = svc.ws("jean")
    wb.recv("match-found", sessionId=session["id"])
    connect(svc, wa, wb, session)
    wa.close()
    wa = svc.ws("marie")
    wa.expect_nothing("match-found")


def requests_served(service):
    for line in service.get("/metrics").text.splitlines():
        if line.startswith("conv_http_requests_total "):
            return int(float(line.split()[-1]))
    raise AssertionError("no conv_http_requests_total")


def trickled_join(service, user):
    """A join whose body is still arriving, its header read by the service (so it is in
    flight): returns (socket, the rest of the request)."""
    import socket
    body = json.dumps({"targetLanguageCode": "en", "userLevel": "B1"}).encode()
    head = (f"POST /matchmaking/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {service.token(user)}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    before = requests_served(service)
    s = socket.create_connection(("127.0.0.1", service.port), timeout=10)
    s.sendall(head + body[:5])
    deadline = time.monotonic() + 10
    while requests_served(service) < before + 2:  # this /metrics, then the join's header
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return s, body[5:]


def test_a_join_in_flight_at_sigterm_reaches_the_waiting_user_before_the_websockets_close(service):
    wa = service.ws("marie")
    assert service.join("marie").status_code == 202
    s, rest = trickled_join(service, "jean")
    service.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    s.sendall(rest)
    answer = s.recv(65536).decode()
    assert answer.startswith("HTTP/1.1 201"), answer
    session_id = json.loads(answer.split("\r\n\r\n", 1)[1])["session"]["id"]
    wa.recv("match-found", sessionId=session_id)  # live, not held for a reconnect
    assert wa.wait_closed()[0] == 1001
    assert service.proc.wait(timeout=20) == 0


def test_a_second_signal_stops_waiting_for_requests_in_flight(service):
    s, _ = trickled_join(service, "jean")  # never finished: the drain would wait 10 s for it
    started = time.monotonic()
    service.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    service.proc.send_signal(signal.SIGINT)
    assert service.proc.wait(timeout=20) == 0
    assert time.monotonic() - started < 5
    assert "not waiting for clients any longer" in service.log_path.read_text()
    s.close()


def test_a_second_signal_gives_up_a_start_that_hangs(tmp_path):
    # The JWKS URL accepts connections and never answers: the start waits for it (5 s).
    import socket
    import subprocess
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    env = {"PATH": "/usr/bin:/bin", "CONV_LISTEN": "127.0.0.1:0", "CONV_DATA_DIR": str(tmp_path / "data"),
           "CONV_JWT_JWKS_URL": f"http://127.0.0.1:{silent.getsockname()[1]}/jwks"}
    p = subprocess.Popen([str(BINARY)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(0.5)
        started = time.monotonic()
        p.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20)
        assert time.monotonic() - started < 3, err
        assert p.returncode == 0, err
        assert b"listening on" not in out
        assert b"giving up the start" in err, err
    finally:
        p.kill()
        silent.close()
