"""REST requests are limited per user: past the burst, 429 RATE_LIMITED with Retry-After,
and other users are unaffected; the budget comes back at the configured rate. Invalid tokens
are limited per client address the same way, before verification."""
import http.client
import json
import socket
import time

import pytest
import websocket

from conftest import *  # noqa: F401,F403

TIGHT = {"CONV_HTTP_RATE_PER_S": "2", "CONV_HTTP_BURST": "3"}


def test_a_user_past_the_burst_gets_429_and_others_do_not(make_service):
    service = make_service(TIGHT)
    for _ in range(3):
        assert service.get("/topics?language=en", "greedy").status_code == 200
    r = service.get("/topics?language=en", "greedy")
    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "RATE_LIMITED"
    assert r.headers["Retry-After"] == "1"
    # Every authenticated route shares the user's budget.
    assert service.join("greedy").status_code == 429
    assert service.get("/topics?language=en", "modest").status_code == 200
    time.sleep(1.1)  # two tokens back at 2 per second
    assert service.get("/topics?language=en", "greedy").status_code == 200


def test_refusals_are_counted_in_the_metrics(make_service):
    service = make_service(TIGHT)
    for _ in range(5):
        service.get("/topics?language=en", "greedy")
    metrics = service.get("/metrics").text
    line = next(l for l in metrics.splitlines() if l.startswith("conv_http_rate_limited_total"))
    assert float(line.split()[-1]) == 2


FAILURES = {"CONV_AUTH_FAILURES_PER_S": "1", "CONV_AUTH_FAILURE_BURST": "3"}


def get_from(service, source, path, token, forwarded_for=None):
    """GET with a bearer token from a chosen loopback source address."""
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=10,
                                      source_address=(source, 0))
    headers = {"Authorization": f"Bearer {token}"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), json.loads(r.read() or b"null")
    finally:
        conn.close()


def test_an_address_sending_invalid_tokens_is_refused_unverified_until_its_budget_refills(make_service):
    service = make_service(FAILURES)
    good = service.token("alice")
    for _ in range(3):
        status, _, body = get_from(service, "127.0.0.1", "/topics", "not.a.token")
        assert status == 401 and body["error"]["code"] == "UNAUTHORIZED"
    # The budget is spent: this address is refused before its token is even looked at.
    status, headers, body = get_from(service, "127.0.0.1", "/topics", good)
    assert status == 429 and body["error"]["code"] == "RATE_LIMITED"
    assert headers["Retry-After"] == "1"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        WsClient(f"{service.ws_base}/ws?access_token={good}")
    assert refused.value.status_code == 429
    # Another address is not affected.
    status, _, _ = get_from(service, "127.0.0.2", "/topics", good)
    assert status == 200
    time.sleep(1.1)  # one failure's worth back at 1 per second
    status, _, _ = get_from(service, "127.0.0.1", "/topics", good)
    assert status == 200
    metrics = service.get("/metrics").text
    line = next(l for l in metrics.splitlines() if l.startswith("conv_auth_throttled_total"))
    assert float(line.split()[-1]) == 2


def test_valid_tokens_do_not_spend_the_budget(make_service):
    service = make_service(FAILURES)
    for _ in range(10):
        status, _, _ = get_from(service, "127.0.0.1", "/topics", service.token("alice"))
        assert status == 200


def spend_budget(service, source, forwarded_for=None):
    for _ in range(3):
        status, _, _ = get_from(service, source, "/topics", "not.a.token", forwarded_for)
        assert status == 401


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(make_service):
    service = make_service({**FAILURES, "CONV_TRUSTED_PROXIES": "127.0.0.1"})
    good = service.token("alice")
    spend_budget(service, "127.0.0.1", "203.0.113.9")
    status, _, _ = get_from(service, "127.0.0.1", "/topics", good, "203.0.113.9")
    assert status == 429
    # Another client behind the same proxy is unaffected, and so is the proxy's own address.
    status, _, _ = get_from(service, "127.0.0.1", "/topics", good, "203.0.113.10")
    assert status == 200
    status, _, _ = get_from(service, "127.0.0.1", "/topics", good)
    assert status == 200
    # What the client wrote left of the proxy's entry names nobody.
    status, _, _ = get_from(service, "127.0.0.1", "/topics", good, "198.51.100.1, 203.0.113.9")
    assert status == 429
    # The WebSocket handshake is judged by the same address.
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        WsClient(f"{service.ws_base}/ws?access_token={good}",
                 headers=["X-Forwarded-For: 203.0.113.9"])
    assert refused.value.status_code == 429


def test_an_ipv6_client_cannot_escape_its_budget_by_changing_address_within_its_slash64(make_service):
    service = make_service({**FAILURES, "CONV_TRUSTED_PROXIES": "127.0.0.1"})
    good = service.token("alice")
    spend_budget(service, "127.0.0.1", "2001:db8:1:2::1")
    status, _, _ = get_from(service, "127.0.0.1", "/topics", good, "2001:db8:1:2:ffff:ffff:ffff:7")
    assert status == 429  # the same subscriber's block
    status, _, _ = get_from(service, "127.0.0.1", "/topics", good, "2001:db8:1:3::1")
    assert status == 200  # another subscriber


def test_an_untrusted_peer_cannot_escape_its_budget_with_the_header(make_service):
    service = make_service({**FAILURES, "CONV_TRUSTED_PROXIES": "127.0.0.1"})
    good = service.token("alice")
    spend_budget(service, "127.0.0.2", "203.0.113.9")
    status, _, _ = get_from(service, "127.0.0.2", "/topics", good, "203.0.113.77")
    assert status == 429


def test_a_user_reconnecting_too_often_gets_429_and_others_do_not(make_service):
    service = make_service({"CONV_WS_HANDSHAKES_PER_S": "1", "CONV_WS_HANDSHAKE_BURST": "3"})
    token = service.token("alice")
    for _ in range(3):
        WsClient(f"{service.ws_base}/ws?access_token={token}")
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        WsClient(f"{service.ws_base}/ws?access_token={token}")
    assert refused.value.status_code == 429
    service.ws("bob")  # another user is not affected
    time.sleep(1.1)  # one handshake's worth back at 1 per second
    service.ws("alice")
    metrics = service.get("/metrics").text
    line = next(l for l in metrics.splitlines() if l.startswith("conv_ws_handshakes_rate_limited_total"))
    assert float(line.split()[-1]) == 1


def open_from(service, source):
    """A TCP connection to the service from a chosen loopback source address."""
    return socket.create_connection(("127.0.0.1", service.port), timeout=5, source_address=(source, 0))


def served(conn):
    """Whether the service answers a request on `conn` (a refused connection is closed unread)."""
    try:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        return conn.recv(64).startswith(b"HTTP/1.1 200")
    except (ConnectionResetError, BrokenPipeError):
        return False


def test_one_address_cannot_hold_more_than_its_share_of_connections(make_service):
    service = make_service({"CONV_MAX_CONNECTIONS_PER_ADDRESS": "3"})
    idle = [open_from(service, "127.0.0.2") for _ in range(3)]  # e.g. headers never finished
    extra = open_from(service, "127.0.0.2")
    assert not served(extra)
    extra.close()
    other = open_from(service, "127.0.0.3")
    assert served(other), "another address is not affected"
    other.close()
    idle.pop().close()
    deadline = time.monotonic() + 5
    while True:  # until the close has reached the server
        again = open_from(service, "127.0.0.2")
        ok = served(again)
        again.close()
        if ok or time.monotonic() > deadline:
            break
    assert ok, "a closed connection gives its address its place back"
    for c in idle:
        c.close()
    metrics = requests.get(service.base + "/metrics", timeout=5).text
    line = next(l for l in metrics.splitlines() if l.startswith("conv_http_connections_refused_per_address_total"))
    assert float(line.split()[-1]) >= 1


def test_a_trusted_proxy_is_not_held_to_one_address_share(make_service):
    service = make_service({"CONV_MAX_CONNECTIONS_PER_ADDRESS": "2", "CONV_TRUSTED_PROXIES": "127.0.0.4"})
    conns = [open_from(service, "127.0.0.4") for _ in range(4)]
    assert all(served(c) for c in conns)
    for c in conns:
        c.close()
