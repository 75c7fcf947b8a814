"""A WebSocket whose peer has gone without closing is found and cut; one whose peer answers
pings stays open however long it is quiet. The idle limit is CONV_HEARTBEAT_TIMEOUT_S."""
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
