"""The WebSocket protocol: relay, order, held messages, replacement, limits and bad input."""
from conftest import *  # noqa: F401,F403


def test_signaling_is_relayed_to_the_partner_with_from(service):
    wa, wb, s = pair(service)
    wa.send({"type": "offer", "sessionId": s["id"], "sdp": "v=0 offer"})
    got = wb.recv("offer")
    assert got == {"from": "marie", "type": "offer", "sessionId": s["id"], "sdp": "v=0 offer"}
    wb.send({"type": "answer", "sessionId": s["id"], "sdp": "v=0 answer"})
    assert wa.recv("answer")["from"] == "jean"
    wa.send({"type": "ice-candidate", "sessionId": s["id"], "candidate": {"candidate": "a=1", "sdpMid": "0"}})
    assert wb.recv("ice-candidate")["candidate"] == {"candidate": "a=1", "sdpMid": "0"}


def test_a_client_cannot_forge_from(service):
    wa, wb, s = pair(service)
    wa.send({"type": "ice-candidate", "sessionId": s["id"], "candidate": "c", "from": "jean"})
    assert wb.recv("ice-candidate")["from"] == "marie"


def test_messages_arrive_in_the_order_sent(service):
    wa, wb, s = pair(service)
    for i in range(200):
        wa.send({"type": "ice-candidate", "sessionId": s["id"], "candidate": {"n": i}})
        if i % 50 == 49:
            time.sleep(1)  # stay under the flood limit (50/s, bursts of 100)
    got = [wb.recv("ice-candidate")["candidate"]["n"] for _ in range(200)]
    assert got == list(range(200))


def test_a_repeated_key_cannot_smuggle_another_message_to_the_partner(service):
    # Checked as an ice-candidate by the first `type`, read by the partner's JSON.parse as a
    # session-ended by the last.
    wa, wb, s = pair(service)
    wa.send('{"type":"ice-candidate","sessionId":"%s","candidate":"c",'
            '"type":"session-ended","status":"completed"}' % s["id"])
    assert wa.recv("error")["code"] == "VALIDATION_FAILED"
    wa.send('{"type":"offer","sessionId":"%s","sdp":"v=0","sessionId":"other"}' % s["id"])
    assert wa.recv("error")["code"] == "VALIDATION_FAILED"
    wb.expect_nothing("session-ended")
    wb.expect_nothing("offer")


def test_signaling_into_someone_elses_session_is_refused(service):
    wa, wb, s = pair(service)
    eve = service.ws("eve")
    eve.send({"type": "offer", "sessionId": s["id"], "sdp": "evil"})
    err = eve.recv("error")
    assert err["code"] == "SESSION_NOT_FOUND"
    wb.expect_nothing("offer")
    eve.send({"type": "heartbeat"})  # the connection stays open
    eve.recv("heartbeat-ack")


def test_signaling_after_the_session_ended_is_refused(service):
    wa, wb, s = pair(service)
    service.post(f"/sessions/{s['id']}/end", "marie")
    wa.send({"type": "offer", "sessionId": s["id"], "sdp": "late"})
    assert wa.recv("error")["code"] == "SESSION_NOT_FOUND"


def test_a_heartbeat_is_answered_even_for_a_session_that_has_ended(service):
    # The client's heartbeat timer may fire just after `session-ended`: an ack, no error, and
    # the ack names no session since the heartbeat counted for none.
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    wa.send({"type": "heartbeat", "sessionId": s["id"]})
    assert wa.recv("heartbeat-ack") == {"type": "heartbeat-ack", "sessionId": s["id"]}
    service.post(f"/sessions/{s['id']}/end", "marie")
    wa.recv("session-ended", sessionId=s["id"])
    wa.send({"type": "heartbeat", "sessionId": s["id"]})
    assert wa.recv("heartbeat-ack") == {"type": "heartbeat-ack"}
    wa.expect_nothing("error")
    eve = service.ws("eve")  # and for a session that was never the sender's
    eve.send({"type": "heartbeat", "sessionId": s["id"]})
    assert eve.recv("heartbeat-ack") == {"type": "heartbeat-ack"}


def test_bad_messages_get_the_contracts_codes(service):
    w = service.ws("alice")
    w.send("{not json")
    assert w.recv("error")["code"] == "MALFORMED_JSON"
    w.send("[1,2]")
    assert w.recv("error")["code"] == "MALFORMED_JSON"
    w.send({"type": "teleport"})
    assert w.recv("error")["code"] == "UNKNOWN_MESSAGE_TYPE"
    w.send({"sessionId": "x"})
    assert w.recv("error")["code"] == "VALIDATION_FAILED"
    w.send({"type": "offer", "sessionId": "x"})
    assert w.recv("error")["code"] == "VALIDATION_FAILED"
    w.ws.send(b"\xff\xfe", opcode=websocket.ABNF.OPCODE_BINARY)
    assert w.recv("error")["code"] == "MALFORMED_JSON"
    w.send({"type": "heartbeat"})
    assert w.recv("heartbeat-ack")["type"] == "heartbeat-ack"


def test_deeply_nested_messages_are_refused_and_harm_nobody(service):
    wa, wb, s = pair(service)
    deep = "[" * 40 + "]" * 40
    # With its own `from`, which the relay rebuilds the message to replace.
    wa.send('{"type":"offer","sessionId":"%s","sdp":"x","from":"y","z":%s}' % (s["id"], deep))
    assert wa.recv("error")["code"] == "MALFORMED_JSON"
    wa.send('{"type":"offer","sessionId":"%s","sdp":"x","z":%s}' % (s["id"], deep))
    assert wa.recv("error")["code"] == "MALFORMED_JSON"
    wb.expect_nothing("offer")
    # Nesting a real payload needs is relayed, `from` replaced.
    wa.send({"type": "ice-candidate", "sessionId": s["id"], "from": "jean", "candidate": {"a": {"b": [1]}}})
    got = wb.recv("ice-candidate")
    assert got["from"] == "marie" and got["candidate"] == {"a": {"b": [1]}}


def test_a_text_frame_that_is_not_utf8_closes_with_1007(service):
    w = service.ws("alice")
    w.ws.send(b'{"type":"heartbeat","x":"\xff"}', opcode=websocket.ABNF.OPCODE_TEXT)
    assert w.wait_closed()[0] == 1007
    w2 = service.ws("bob")  # nobody else is affected
    w2.send({"type": "heartbeat"})
    w2.recv("heartbeat-ack")


def test_messages_over_64_kib_close_with_1009(service):
    w = service.ws("alice")
    w.send({"type": "offer", "sessionId": "x", "sdp": "a" * (65 * 1024)})
    assert w.wait_closed()[0] == 1009
    w2 = service.ws("bob")  # nobody else is affected
    w2.send({"type": "heartbeat"})
    w2.recv("heartbeat-ack")


def test_a_flood_is_rate_limited_then_closed(service):
    w = service.ws("flooder")
    for _ in range(400):
        try:
            w.send({"type": "heartbeat"})
        except Exception:
            break
    assert w.recv("error", code="RATE_LIMITED")
    assert w.wait_closed()[0] == 1008
    other = service.ws("calm")
    other.send({"type": "heartbeat"})
    other.recv("heartbeat-ack")


def test_a_ping_flood_is_closed_like_a_message_flood(service):
    # Each ping costs the server a pong: pings draw on the same budget as messages.
    w = service.ws("pinger")
    for _ in range(400):
        try:
            w.ws.ping(b"x")
        except Exception:
            break
    code, reason = w.wait_closed()
    assert (code, reason) == (1008, "ping flood")
    calm = service.ws("calm")  # a few pings are welcome
    for _ in range(5):
        calm.ws.ping(b"x")
    calm.send({"type": "heartbeat"})
    calm.recv("heartbeat-ack")


def test_a_second_connection_replaces_the_first_with_4000(service):
    first = service.ws("alice")
    second = service.ws("alice")
    assert first.wait_closed()[0] == 4000
    second.send({"type": "heartbeat"})
    second.recv("heartbeat-ack")


def test_messages_for_a_briefly_offline_participant_are_held_and_delivered_in_order(service):
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    wb.close()
    assert wa.recv("peer-status")["status"] == "disconnected"
    for i in range(5):
        wa.send({"type": "ice-candidate", "sessionId": s["id"], "candidate": {"n": i}})
    time.sleep(0.3)
    wb = service.ws("jean")
    got = [wb.recv("ice-candidate")["candidate"]["n"] for _ in range(5)]
    assert got == list(range(5))
    status = wa.recv("peer-status")
    assert status["status"] == "reconnected" and status["userId"] == "jean"
    # The call carries on in the same session.
    wb.send({"type": "heartbeat", "sessionId": s["id"]})
    assert wb.recv("heartbeat-ack")["sessionId"] == s["id"]
    assert service.get(f"/sessions/{s['id']}", "jean").json()["status"] == "active"


def test_match_found_is_held_for_a_user_who_is_offline_at_match_time(service):
    wa = service.ws("marie")
    service.join("marie")
    r = service.join("jean")  # jean has no socket yet
    wb = service.ws("jean")
    assert wb.recv("match-found")["sessionId"] == r.json()["session"]["id"]


def test_a_participants_first_connection_is_not_told_as_a_return(service):
    # jean asked over REST and connects only after the match: marie, already sending her
    # offer, must not be told he "reconnected" (a client restarts its handshake on that).
    wa = service.ws("marie")
    service.join("marie")
    s = service.join("jean").json()["session"]
    wa.recv("match-found", sessionId=s["id"])
    wa.send({"type": "offer", "sessionId": s["id"], "sdp": "v=0"})
    wb = service.ws("jean")
    wb.recv("match-found", sessionId=s["id"])
    assert wb.recv("offer")["sdp"] == "v=0"
    wa.expect_nothing("peer-status")
    # Later goings and comings are told.
    wb.close()
    assert wa.recv("peer-status")["status"] == "disconnected"
    service.ws("jean")
    assert wa.recv("peer-status") == {"type": "peer-status", "sessionId": s["id"], "userId": "jean",
                                      "status": "reconnected"}


def test_websocket_needs_a_valid_token(service):
    import pytest
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(service.ws_base + "/ws", timeout=5)
    assert e.value.status_code == 401
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(service.ws_base + "/ws?access_token=abc.def.ghi", timeout=5)
    assert e.value.status_code == 401


def test_a_native_client_may_send_its_token_in_the_authorization_header(service):
    w = WsClient(f"{service.ws_base}/ws", headers=[f"Authorization: Bearer {service.token('alice')}"])
    w.send({"type": "heartbeat"})
    assert w.recv("heartbeat-ack")["type"] == "heartbeat-ack"


def test_a_foreign_origin_is_refused(make_service):
    import pytest
    s = make_service({"CONV_ALLOWED_ORIGINS": ""})  # default: only our own origin
    url = f"{s.ws_base}/ws?access_token={s.token('alice')}"
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(url, timeout=5, origin="https://evil.example")
    assert e.value.status_code == 403
    ok = websocket.create_connection(url, timeout=5, origin=f"http://127.0.0.1:{s.port}")
    ok.close()
    native = websocket.create_connection(url, timeout=5, suppress_origin=True)
    native.close()


def test_allowed_origins_are_compared_as_origins(make_service):
    """Scheme and host in any case, the default port written or not: one origin."""
    import pytest
    s = make_service({"CONV_ALLOWED_ORIGINS": "https://App.Example.com/"})
    url = f"{s.ws_base}/ws?access_token={s.token('alice')}"
    for origin in ("https://app.example.com", "https://app.example.com:443", "HTTPS://APP.example.com"):
        ok = websocket.create_connection(url, timeout=5, origin=origin)
        ok.close()
    for origin in ("https://app.example.com:8443", "http://app.example.com", "https://app.example.com.evil",
                   "null"):
        with pytest.raises(websocket.WebSocketBadStatusException) as e:
            websocket.create_connection(url, timeout=5, origin=origin)
        assert e.value.status_code == 403, origin


def test_the_own_origin_is_compared_without_regard_to_case(make_service):
    import pytest
    s = make_service({"CONV_ALLOWED_ORIGINS": ""})
    url = f"{s.ws_base}/ws?access_token={s.token('alice')}"
    for host, origin in ((f"Chat.Example:{s.port}", f"http://chat.example:{s.port}"),
                         ("chat.example", "HTTPS://CHAT.EXAMPLE:443"),
                         ("chat.example:80", "http://chat.example")):
        ok = websocket.create_connection(url, timeout=5, origin=origin, host=host)
        ok.close()
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(url, timeout=5, origin="https://chat.example:8443", host="chat.example")
    assert e.value.status_code == 403


def test_heartbeat_is_acknowledged(service):
    w = service.ws("alice")
    w.send({"type": "heartbeat"})
    assert w.recv("heartbeat-ack") == {"type": "heartbeat-ack"}
