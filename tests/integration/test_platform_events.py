"""What the rest of the platform tells the service (contract: Events, Consumed), on the
embedded defaults: `user.events` and `feedback.events` are JSON Lines files in the data
directory's inbox, appended here as a local producer would."""
import datetime
import json
import time

import pytest
import websocket

from conftest import connect, metric, pair


def publish(service, topic, type_, data, event_id=None):
    """Appends one event in the platform's envelope, as of now, to the topic's inbox file."""
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
    envelope = {"eventId": event_id or f"ev-{time.monotonic_ns()}", "type": type_,
                "occurredAt": now.replace("+00:00", "Z"), "version": 1, "data": data}
    append(service, topic, json.dumps(envelope) + "\n")


def append(service, topic, text):
    with open(service.data_dir / "inbox" / f"{topic}.jsonl", "a") as f:
        f.write(text)


def wait_for_metric(service, series, value, timeout=10):
    deadline = time.monotonic() + timeout
    while metric(service, series) < value:
        assert time.monotonic() < deadline, f"{series} stayed below {value}"
        time.sleep(0.05)


def test_a_banned_user_in_line_loses_the_request_and_the_connection(service):
    w = service.ws("mallory")
    assert service.join("mallory").status_code == 202
    publish(service, "user.events", "user.banned", {"userId": "mallory"})
    assert w.wait_closed() == (4003, "user removed")
    e = service.wait_for_event("matchmaking.cancelled", userId="mallory")
    assert e["data"]["reason"] == "user_removed"
    # Nobody is matched with the removed request.
    assert service.join("alice").status_code == 202


def test_a_removed_users_tokens_from_before_are_refused_and_later_ones_accepted(service):
    old = service.token("mallory")
    publish(service, "user.events", "user.deleted", {"userId": "mallory"})
    wait_for_metric(service, 'conv_platform_events_total{outcome="handled"}', 1)
    r = service.get("/matchmaking/status", "mallory")
    assert r.status_code == 401
    assert r.json()["error"] == {"code": "UNAUTHORIZED", "message": "the account was removed from the platform"}
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        service.ws("mallory")
    assert refused.value.status_code == 401
    # The refusal survives a restart.
    service.restart()
    service._tokens[("mallory", False)] = old
    assert service.get("/matchmaking/status", "mallory").status_code == 401
    # A token issued after the removal (an account restored) is accepted: `iat` is in whole
    # seconds, and one of the removal's second is refused.
    time.sleep(1.1)
    del service._tokens[("mallory", False)]
    assert service.get("/matchmaking/status", "mallory").status_code == 404


def test_a_deleted_participant_cancels_a_waiting_or_active_session(service):
    for users, activate in ((("a1", "b1"), False), (("a2", "b2"), True)):
        wa, wb, s = pair(service, *users)
        if activate:
            connect(service, wa, wb, s)
        publish(service, "user.events", "user.deleted", {"userId": users[0]})
        for w in (wb, wa):
            e = w.recv("session-ended", sessionId=s["id"])
            assert e["status"] == "cancelled" and e["endReason"] == "user_removed"
        assert wa.wait_closed() == (4003, "user removed")
        wb.expect_nothing("session-ended")
        assert wb.closed is None  # the partner stays connected
        r = service.get(f"/sessions/{s['id']}", users[1])
        assert (r.json()["status"], r.json()["endReason"]) == ("cancelled", "user_removed")
        service.wait_for_event("session.cancelled", sessionId=s["id"])


def test_a_completed_feedback_is_announced_to_the_online_participants(service):
    wa, wb, s = pair(service)
    wb.close()
    feedback = {"sessionId": s["id"], "feedbackId": "f-1", "summary": "Très bien"}
    publish(service, "feedback.events", "feedback.completed", feedback)
    m = wa.recv("feedback-ready", sessionId=s["id"])
    assert m["feedback"] == feedback
    # Only those online at the time: jean, back later, is not told.
    wb = service.ws("jean")
    wb.expect_nothing("feedback-ready")


def test_malformed_and_unknown_events_are_counted_and_skipped(service):
    wa, wb, s = pair(service)
    append(service, "feedback.events", "not json\n")
    append(service, "feedback.events", json.dumps({"type": "feedback.completed", "data": {}}) + "\n")
    append(service, "feedback.events", "x" * 70_000 + "\n")
    publish(service, "feedback.events", "feedback.started", {"sessionId": s["id"]})
    publish(service, "user.events", "user.created", {"userId": "zoe"})
    publish(service, "feedback.events", "feedback.completed", {"sessionId": s["id"]})
    wa.recv("feedback-ready", sessionId=s["id"])
    wait_for_metric(service, 'conv_platform_events_total{outcome="malformed"}', 3)
    assert metric(service, 'conv_platform_events_total{outcome="skipped"}') == 2
    assert metric(service, 'conv_platform_events_total{outcome="handled"}') == 1
    assert "malformed event on feedback.events skipped" in service.log_path.read_text()


def test_events_handled_before_a_restart_are_not_handled_again(service):
    wa, wb, s = pair(service)
    publish(service, "feedback.events", "feedback.completed", {"sessionId": s["id"], "n": 1})
    assert wa.recv("feedback-ready", sessionId=s["id"])["feedback"]["n"] == 1
    wa.close()
    wb.close()
    service.restart()
    wa = service.ws("marie")
    publish(service, "feedback.events", "feedback.completed", {"sessionId": s["id"], "n": 2})
    assert wa.recv("feedback-ready", sessionId=s["id"])["feedback"]["n"] == 2
    assert metric(service, 'conv_platform_events_total{outcome="handled"}') == 1


def test_events_appended_while_the_service_was_down_are_handled_at_start(service):
    w = service.ws("mallory")
    assert service.join("mallory").status_code == 202
    w.close()
    service.stop()
    publish(service, "user.events", "user.banned", {"userId": "mallory"})
    service.start()
    e = service.wait_for_event("matchmaking.cancelled", userId="mallory")
    assert e["data"]["reason"] == "user_removed"
