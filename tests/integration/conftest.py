"""Fixtures that start the real binary on a free port and talk to it over real sockets."""
import ctypes
import json
import os
import pathlib
import queue
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests
import websocket

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("CONV_BINARY", ROOT / "build" / "release" / "src" / "main" / "conversation-service")).resolve()

# Short timings so that every lifecycle row can be walked in seconds; tests override them.
FAST = {
    "CONV_MATCH_TIMEOUT_S": "60",
    "CONV_PRESENCE_GRACE_S": "60",
    "CONV_WAITING_TIMEOUT_S": "60",
    "CONV_HEARTBEAT_INTERVAL_S": "1",
    "CONV_HEARTBEAT_TIMEOUT_S": "60",
    "CONV_MIN_COMPLETED_S": "2",
    "CONV_MAX_DURATION_S": "1800",
}


class WsClient:
    """A WebSocket client that keeps every message it receives, so a test can wait for one
    type without losing the others."""

    def __init__(self, url, headers=None, origin=None):
        self.ws = websocket.create_connection(url, timeout=10, header=headers or [], origin=origin,
                                              suppress_origin=origin is None)
        self.inbox = []
        self.closed = None  # (code, reason) once the server closed

    def send(self, message):
        self.ws.send(json.dumps(message) if not isinstance(message, (str, bytes)) else message)

    def _read_one(self, timeout):
        # Raw frames: the library's own close handling answers the close frame, which fails
        # when the server has already closed the socket (as it does after 1009) and would hide
        # the code the server sent.
        # The deadline holds across the pings answered on the way.
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise websocket.WebSocketTimeoutException("no message within the timeout")
            self.ws.settimeout(left)
            frame = self.ws.recv_frame()
            if frame.opcode == websocket.ABNF.OPCODE_CLOSE:
                data = frame.data
                code = int.from_bytes(data[:2], "big") if len(data) >= 2 else None
                self.closed = (code, data[2:].decode(errors="replace"))
                raise ConnectionError(f"closed by server: {self.closed}")
            if frame.opcode == websocket.ABNF.OPCODE_PING:
                try:
                    self.ws.pong(frame.data)
                except OSError:
                    pass
                continue
            if frame.opcode in (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY):
                return json.loads(frame.data)

    def recv(self, type_=None, timeout=10, **match):
        """The first message of that type (and matching fields), waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.inbox):
                if (type_ is None or m.get("type") == type_) and all(m.get(k) == v for k, v in match.items()):
                    return self.inbox.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {type_} {match} within {timeout}s; got {self.inbox}")
            try:
                self.inbox.append(self._read_one(left))
            except websocket.WebSocketTimeoutException:
                continue

    def expect_nothing(self, type_, within=0.5):
        try:
            m = self.recv(type_, timeout=within)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected {m}")

    def wait_closed(self, timeout=10):
        deadline = time.monotonic() + timeout
        while self.closed is None and time.monotonic() < deadline:
            try:
                self.inbox.append(self._read_one(deadline - time.monotonic()))
            except ConnectionError:
                break
            except (websocket.WebSocketTimeoutException, websocket.WebSocketConnectionClosedException):
                break
        return self.closed

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass


class Service:
    """The real conversation-service binary, on 127.0.0.1 and a port the kernel picks."""

    def __init__(self, data_dir, env=None):
        self.data_dir = pathlib.Path(data_dir)
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("CONV_") and k != "CONV_BINARY":
                del self.env[k]
        self.env.update({"CONV_LISTEN": "127.0.0.1:0", "CONV_DATA_DIR": str(self.data_dir),
                         "CONV_DEV_AUTH": "true", "CONV_LOG_LEVEL": "info", "CONV_IO_THREADS": "2",
                         "CONV_ALLOWED_ORIGINS": "*"})
        self.env.update(FAST)
        self.env.update(env or {})
        self.proc = None
        self.preexec = None  # run in the child before the binary starts (resource limits)
        self.log_path = self.data_dir.parent / (self.data_dir.name + ".log")
        self._tokens = {}

    def start(self, port=0):
        self.env["CONV_LISTEN"] = f"127.0.0.1:{port}"
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([str(BINARY)], env=self.env, stdout=subprocess.PIPE,
                                     stderr=self.log, cwd=self.data_dir.parent, preexec_fn=self.preexec)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in self.proc.stdout], daemon=True).start()
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            raise RuntimeError(f"the service did not start; log: {self.log_path.read_text()[-3000:]}")
        text = line.decode()
        assert "listening on" in text, text
        self.port = int(text.rsplit(":", 1)[1])
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_base = f"ws://127.0.0.1:{self.port}"
        return self

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("the service did not stop within the deadline")
        code = self.proc.returncode if self.proc else None
        self.log.close()
        return code

    def restart(self):
        port = self.port
        self.stop()
        self._tokens.clear()
        return self.start(port)

    def token(self, user, admin=False):
        key = (user, admin)
        if key not in self._tokens:
            body = {"userId": user, "roles": ["admin"] if admin else []}
            r = requests.post(self.base + "/dev/token", json=body, timeout=10)
            assert r.status_code == 200, r.text
            self._tokens[key] = r.json()["token"]
        return self._tokens[key]

    def auth(self, user, admin=False):
        return {"Authorization": f"Bearer {self.token(user, admin)}"}

    def get(self, path, user=None, admin=False, **kw):
        return requests.get(self.base + path, headers=self.auth(user, admin) if user else {}, timeout=10, **kw)

    def post(self, path, user=None, body=None, admin=False, **kw):
        headers = self.auth(user, admin) if user else {}
        return requests.post(self.base + path, json=body, headers=headers, timeout=10, **kw)

    def request(self, method, path, user=None, admin=False, **kw):
        headers = kw.pop("headers", {})
        if user:
            headers.update(self.auth(user, admin))
        return requests.request(method, self.base + path, headers=headers, timeout=30, **kw)

    def ws(self, user, **kw):
        return WsClient(f"{self.ws_base}/ws?access_token={self.token(user)}", **kw)

    def join(self, user, language="en", level="B1", **extra):
        return self.post("/matchmaking/join", user, {"targetLanguageCode": language, "userLevel": level, **extra})

    def events(self):
        path = self.data_dir / "events.jsonl"
        if not path.exists():
            return []
        return [json.loads(l) for l in path.read_text().splitlines() if l.strip()]

    def wait_for_event(self, type_, timeout=10, **data):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in self.events():
                if e["type"] == type_ and all(e["data"].get(k) == v for k, v in data.items()):
                    return e
            time.sleep(0.05)
        raise AssertionError(f"no event {type_} {data}; have {[e['type'] for e in self.events()]}")


@pytest.fixture
def make_service(tmp_path):
    started = []

    def make(env=None, name="data"):
        s = Service(tmp_path / name, env).start()
        started.append(s)
        return s

    yield make
    for s in started:
        if s.proc and s.proc.poll() is None:
            s.stop()


@pytest.fixture
def service(make_service):
    return make_service()


def wait_ready(service, ready, timeout=10):
    """/readyz once it says `ready` (or not): its body."""
    deadline = time.monotonic() + timeout
    while True:
        r = service.get("/readyz")
        if (r.status_code == 200) == ready:
            return r.json()
        assert time.monotonic() < deadline, r.text
        time.sleep(0.1)


def put_in_the_way(path, kind):
    """Replaces what is at `path` with an empty file (kind "file") or directory ("dir") in one
    step, and removes what was there. Removing and then creating races with the service, which
    makes its audio directory and event log again while it probes; renameat2(RENAME_EXCHANGE)
    leaves no moment at which the path is free."""
    blocker = path.with_name(path.name + ".blocker")
    blocker.mkdir() if kind == "dir" else blocker.write_text("in the way")
    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, rename_exchange = -100, 2
    if libc.renameat2(at_fdcwd, bytes(path), at_fdcwd, bytes(blocker), rename_exchange) != 0:
        raise OSError(ctypes.get_errno(), "renameat2", str(path))
    shutil.rmtree(blocker) if blocker.is_dir() else blocker.unlink()


def send_until_answered(sock, piece, most):
    """Writes `piece` again and again on `sock` until the server answers (or closes), or
    `most` bytes are sent: returns how many were sent and the answer's head."""
    sent, reply = 0, b""
    try:
        while sent < most and not reply:
            sock.sendall(piece)
            sent += len(piece)
            sock.settimeout(0.05)
            try:
                reply = sock.recv(65536)
            except socket.timeout:
                pass
            sock.settimeout(10)
    except (BrokenPipeError, ConnectionResetError):
        pass
    sock.settimeout(10)
    while b"\r\n\r\n" not in reply and (more := sock.recv(65536)):
        reply += more
    return sent, reply


def metric(service, series):
    """The value of one series of /metrics (name with its labels, as rendered)."""
    for line in service.get("/metrics").text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    raise AssertionError(f"no {series} in /metrics")


def pair(service, a="marie", b="jean", language="en", level="B1"):
    """Two users connected over WebSocket and matched: returns (ws_a, ws_b, session)."""
    wa, wb = service.ws(a), service.ws(b)
    r = service.join(a, language, level)
    assert r.status_code == 202, r.text
    r = service.join(b, language, level)
    assert r.status_code == 201, r.text
    session = r.json()["session"]
    wa.recv("match-found", sessionId=session["id"])
    wb.recv("match-found", sessionId=session["id"])
    return wa, wb, session


def connect(service, wa, wb, session):
    """Both participants report their RTCPeerConnection connected: the session is active."""
    wa.send({"type": "peer-connected", "sessionId": session["id"]})
    wb.send({"type": "peer-connected", "sessionId": session["id"]})
    wa.recv("session-started", sessionId=session["id"])
    wb.recv("session-started", sessionId=session["id"])
