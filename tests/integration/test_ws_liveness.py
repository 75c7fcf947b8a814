"""A WebSocket whose peer has gone without closing is found and cut; one whose peer answers
pings stays open however long it is quiet. The idle limit is CONV_HEARTBEAT_TIMEOUT_S."""
import json
import socket
import time

import pytest
import websocket

from conftest import *  # noqa: F401,F403

QUIET = {"CONV_HEARTBEAT_INTERVAL_S": "1", "CONV_HEARTBEAT_TIMEOUT_S": "2"}


def test_a_peer_that_never_answers_is_pinged_then_cut(make_service):
    service = make_service(QUIET)
    # A client that reads nothing, so it answers nothing: as a vanished peer would.
    ws = websocket.create_connection(f"{service.ws_base}/ws?access_token={service.token('ghost')}",
                                     timeout=10)
    time.sleep(4)  # past the 2 s limit and the sweep that finds it (every 0.5 s)
    ws.settimeout(5)
    opcodes = []
    try:
        while True:
            frame = ws.recv_frame()
            if not frame.opcode and not frame.data:
                break
            opcodes.append(frame.opcode)
    except (websocket.WebSocketConnectionClosedException, ConnectionError, socket.error):
        pass
    assert websocket.ABNF.OPCODE_PING in opcodes, f"no ping before the cut: {opcodes}"
    # The server closed the TCP connection: nothing more can be read.
    with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError, socket.error)):
        ws.recv_frame()
    ws.close()


def test_a_quiet_peer_that_answers_pings_stays_connected(make_service):
    service = make_service(QUIET)
    w = service.ws("patient")
    w.expect_nothing("anything", within=5)  # reads, and so answers the server's pings
    w.send({"type": "heartbeat"})
    assert w.recv("heartbeat-ack") == {"type": "heartbeat-ack"}


def open_connections(service):
    for line in service.get("/metrics").text.splitlines():
        if line.startswith("conv_ws_connections "):
            return int(float(line.split()[1]))
    raise AssertionError("no conv_ws_connections in /metrics")


def a_stalled_write(service):
    """marie, connected with a small receive buffer and reading nothing, matched with jean,
    who sends her large offers: the server's write to her stalls. Returns her socket,
    jean's client and the session id."""
    stalled = websocket.create_connection(
        f"{service.ws_base}/ws?access_token={service.token('marie')}", timeout=10,
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    jean = service.ws("jean")
    assert service.join("marie").status_code == 202
    r = service.join("jean")
    assert r.status_code == 201, r.text
    sid = r.json()["session"]["id"]
    jean.recv("match-found", sessionId=sid)
    for i in range(50):
        jean.send({"type": "offer", "sessionId": sid, "sdp": f"{i:04d}" + "v" * 60_000})
    return stalled, jean, sid


def test_a_replaced_connection_stuck_behind_an_unread_write_stops_acting_and_goes(make_service):
    # A client that reads nothing while its partner sends it large offers: the server's
    # write to it stalls. Once that connection is replaced, what it still sends must not be
    # relayed, and it must go, although its close frame can never be written.
    service = make_service({"CONV_HEARTBEAT_INTERVAL_S": "1", "CONV_HEARTBEAT_TIMEOUT_S": "3"})
    stuck, bob, sid = a_stalled_write(service)
    fresh = service.ws("marie")  # replaces `stuck`, whose write to it is stalled
    # Answered only once the service has the new connection, and has told the old one to go.
    fresh.send({"type": "heartbeat"})
    fresh.recv("heartbeat-ack")
    stuck.send(json.dumps({"type": "offer", "sessionId": sid, "sdp": "from the replaced one"}))
    fresh.send({"type": "offer", "sessionId": sid, "sdp": "from the new one"})
    bob.recv("offer", sdp="from the new one")
    assert not [m for m in bob.inbox if m.get("sdp") == "from the replaced one"]
    deadline = time.monotonic() + 10  # the 3 s limit, found by the sweep (every 0.75 s)
    while open_connections(service) > 2 and time.monotonic() < deadline:
        for live in (bob, fresh):  # reading, so they answer the server's pings
            live.expect_nothing("session-ended", within=0.1)
    assert open_connections(service) == 2, "the replaced connection is still open"
    stuck.close()


def test_a_peer_that_talks_but_never_reads_is_cut(make_service):
    # It keeps sending heartbeats, so it is never quiet; but the server's write to it has
    # not moved for the whole idle limit: it is gone as far as its partner is concerned.
    service = make_service({"CONV_HEARTBEAT_INTERVAL_S": "1", "CONV_HEARTBEAT_TIMEOUT_S": "3"})
    deaf, bob, sid = a_stalled_write(service)
    deadline = time.monotonic() + 10  # the 3 s limit, found by the sweep (every 0.75 s)
    while open_connections(service) > 1 and time.monotonic() < deadline:
        try:
            deaf.send(json.dumps({"type": "heartbeat"}))
        except (ConnectionError, socket.error, websocket.WebSocketConnectionClosedException):
            pass
        bob.expect_nothing("session-ended", within=0.3)
    assert open_connections(service) == 1, "the peer that reads nothing is still connected"
    bob.recv("peer-status", status="disconnected")
    deaf.close()
