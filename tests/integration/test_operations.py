"""Health, readiness, metrics, ICE servers, configuration errors, HTTP itself."""
import email.utils
import json
import os
import pathlib
import socket
import subprocess
import time

import requests

from conftest import *  # noqa: F401,F403


def test_health_and_readiness(service):
    assert service.get("/healthz").json() == {"status": "ok"}
    r = service.get("/readyz")
    assert r.status_code == 200
    assert r.json()["stores"] == {"store": "up", "events": "up", "audio": "up"}


def test_audio_storage_that_cannot_be_written_is_not_ready_and_recovers(service):
    audio = service.data_dir / "audio"
    put_in_the_way(audio, "file")  # the service cannot make its directory while this is here
    body = wait_ready(service, False)
    assert body["status"] == "unavailable" and body["stores"]["audio"] == "down"
    assert body["stores"]["store"] == "up"
    audio.unlink()
    assert wait_ready(service, True)["stores"]["audio"] == "up"  # made again, no restart


def test_an_event_log_that_cannot_be_written_loses_nothing(service):
    log = service.data_dir / "events.jsonl"
    put_in_the_way(log, "dir")  # the sink cannot start a new file while this is in the way
    service.ws("waiter")
    service.join("waiter")
    body = wait_ready(service, False)
    assert body["stores"]["events"] == "down"
    log.rmdir()
    wait_ready(service, True, timeout=15)  # the relay retries within 5 s
    # The outbox kept the events and the relay delivers them into a new log.
    assert service.wait_for_event("matchmaking.requested", userId="waiter")


def test_metrics_are_prometheus_text(service):
    service.get("/healthz")
    r = service.get("/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "# TYPE conv_http_requests_total counter" in r.text
    assert "conv_ws_connections " in r.text


def test_ice_servers_give_short_lived_turn_credentials(make_service):
    s = make_service({"CONV_STUN_URLS": "stun:127.0.0.1:3478", "CONV_TURN_URLS": "turn:127.0.0.1:3478",
                      "CONV_TURN_SECRET": "turn-secret-" + "t" * 32, "CONV_TURN_TTL_S": "600"})
    body = s.get("/ice-servers", "alice").json()
    assert body["ttlSeconds"] == 600
    stun, turn = body["iceServers"]
    assert stun["urls"] == ["stun:127.0.0.1:3478"]
    expiry, user = turn["username"].split(":")
    assert user == "alice" and int(expiry) > time.time() + 500
    import base64, hashlib, hmac
    secret = ("turn-secret-" + "t" * 32).encode()
    expected = base64.b64encode(hmac.new(secret, turn["username"].encode(), hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected


def test_unknown_routes_are_not_found(service):
    r = service.get("/nope", "alice")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"


def test_a_bad_configuration_stops_the_process_naming_the_variable(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "CONV_DEV_AUTH": "true", "CONV_HEARTBEAT_TIMEOUT_S": "-3",
           "CONV_DATA_DIR": str(tmp_path)}
    p = subprocess.run([str(BINARY)], env=env, capture_output=True, timeout=20)
    assert p.returncode == 2
    assert b"CONV_HEARTBEAT_TIMEOUT_S" in p.stderr and b"expected" in p.stderr


def test_without_any_authentication_configured_the_process_refuses_to_start(tmp_path):
    p = subprocess.run([str(BINARY)], env={"PATH": "/usr/bin:/bin", "CONV_DATA_DIR": str(tmp_path)},
                       capture_output=True, timeout=20)
    assert p.returncode == 2 and b"CONV_JWT_SECRET" in p.stderr


def run_expecting_failure(tmp_path, **env):
    """Starts the binary with `env` and returns (exit code, stderr); it must not serve."""
    base = {"PATH": "/usr/bin:/bin", "CONV_DEV_AUTH": "true", "CONV_LISTEN": "127.0.0.1:0",
            "CONV_DATA_DIR": str(tmp_path / "data")}
    p = subprocess.Popen([str(BINARY)], env={**base, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         cwd=tmp_path)
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise AssertionError(f"the service started: {out!r}")
    assert b"listening on" not in out, out
    return p.returncode, err


def test_a_data_dir_that_cannot_be_made_stops_the_process_naming_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    for data_dir in (blocker, blocker / "below"):
        code, err = run_expecting_failure(tmp_path, CONV_DATA_DIR=str(data_dir))
        assert code == 2, err
        assert b"CONV_DATA_DIR" in err and str(data_dir).encode() in err, err
        assert len(err.strip().splitlines()) == 1, err


def test_a_web_root_that_is_not_a_directory_stops_the_process_naming_it(tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    for root in (tmp_path / "missing", tmp_path / "a-file"):
        code, err = run_expecting_failure(tmp_path, CONV_WEB_ROOT=str(root))
        assert code == 2, err
        assert b"CONV_WEB_ROOT" in err and str(root).encode() in err, err


def test_a_short_dev_secret_file_is_never_used_as_the_key(tmp_path):
    # What a crash between creating the file and writing it left behind (before the secret
    # was written aside and linked into place).
    data = tmp_path / "data"
    data.mkdir()
    (data / "dev-jwt-secret").write_bytes(b"")
    code, err = run_expecting_failure(tmp_path)
    assert code == 2 and b"dev-jwt-secret" in err, err
    p = subprocess.run([str(BINARY), "mint-token", "--user", "zoe"], capture_output=True, timeout=20,
                       env={"PATH": "/usr/bin:/bin", "CONV_DATA_DIR": str(data)})
    assert p.returncode == 2 and b"dev-jwt-secret" in p.stderr, p
    assert p.stdout == b""


def test_concurrent_mint_tokens_on_a_fresh_data_dir_agree_on_the_secret(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "CONV_DATA_DIR": str(tmp_path / "data")}
    minters = [subprocess.Popen([str(BINARY), "mint-token", "--user", f"u{i}"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE) for i in range(12)]
    tokens = []
    for m in minters:
        out, err = m.communicate(timeout=20)
        assert m.returncode == 0, err
        tokens.append(out.decode().strip())
    assert len((tmp_path / "data" / "dev-jwt-secret").read_bytes()) >= 32
    assert [f.name for f in (tmp_path / "data").iterdir()] == ["dev-jwt-secret"]  # no leftovers
    s = Service(tmp_path / "data").start()
    try:
        for token in tokens:
            r = requests.get(s.base + "/topics", headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert r.status_code == 200, r.text
    finally:
        s.stop()


def test_dev_token_route_exists_only_with_dev_auth(make_service):
    s = make_service({"CONV_DEV_AUTH": "false", "CONV_JWT_SECRET": "x" * 40})
    r = requests.post(s.base + "/dev/token", json={"userId": "alice"}, timeout=10)
    assert r.status_code == 404


def test_dev_tokens_are_only_for_requests_addressed_to_localhost_or_an_address(service):
    # A page of any site can point its own name at 127.0.0.1 (DNS rebinding) and ask a
    # development server for an admin token as its own origin.
    for host in ("evil.example", f"evil.example:{service.port}", "localhost.evil.example"):
        r = requests.post(service.base + "/dev/token", json={"userId": "mallory", "roles": ["admin"]},
                          headers={"Host": host, "Origin": f"http://{host}"}, timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN", (host, r.text)
        assert "token" not in r.json()
    for host in (f"127.0.0.1:{service.port}", f"localhost:{service.port}", f"[::1]:{service.port}",
                 "192.168.1.20:8080", "LOCALHOST"):
        r = requests.post(service.base + "/dev/token", json={"userId": "alice"}, headers={"Host": host},
                          timeout=10)
        assert r.status_code == 200 and r.json()["token"], (host, r.text)


def test_mint_token_command_signs_tokens_the_server_accepts(service):
    p = subprocess.run([str(BINARY), "mint-token", "--user", "zoe"], env=service.env, capture_output=True,
                       timeout=20, cwd=service.data_dir.parent)
    assert p.returncode == 0, p.stderr
    token = p.stdout.decode().strip()
    r = requests.get(service.base + "/matchmaking/status", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"  # authenticated, no request yet


def test_dev_tokens_carry_the_configured_issuer_and_audience(make_service):
    s = make_service({"CONV_JWT_ISSUER": "https://id.example", "CONV_JWT_AUDIENCE": "conversation"})
    r = requests.post(s.base + "/dev/token", json={"userId": "alice"}, timeout=10)
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    r = requests.get(s.base + "/topics", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    p = subprocess.run([str(BINARY), "mint-token", "--user", "zoe"], env=s.env, capture_output=True,
                       timeout=20, cwd=s.data_dir.parent)
    assert p.returncode == 0, p.stderr
    r = requests.get(s.base + "/topics", headers={"Authorization": f"Bearer {p.stdout.decode().strip()}"},
                     timeout=10)
    assert r.status_code == 200, r.text


def raw_exchange(service, data):
    """Sends raw bytes and returns the status line and the JSON body of the answer."""
    import socket
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as s:
        s.sendall(data)
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), json.loads(body or b"null")


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET /topics HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST /topics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
])
def test_a_request_that_is_not_http_gets_400_before_the_connection_closes(service, request_bytes):
    status, body = raw_exchange(service, request_bytes)
    assert status.startswith("HTTP/1.1 400"), status
    assert body["error"]["code"] == "VALIDATION_FAILED"
    assert service.get("/healthz").status_code == 200


@pytest.mark.parametrize("unending", [
    b"1;ext=",          # a chunk extension that never ends
    b"0\r\nTrailer: ",  # a trailer line that never ends
])
def test_a_chunk_line_that_never_ends_is_refused_before_it_fills_the_memory(service, unending):
    # The parser keeps what it cannot parse yet: without a bound, these grew the server by
    # gigabytes in seconds. Refused once past the header limit and one read (~80 KiB).
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as s:
        s.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + unending)
        _, reply = send_until_answered(s, b"a" * 65536, 4 * 1024 * 1024)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
    assert b"too long" in reply
    assert service.get("/healthz").status_code == 200


def exchange(service, raw, answers):
    """Writes `raw` on one connection and reads `answers` responses off it, honouring
    Content-Length except for the answers to HEAD: [(status line, headers, body)]."""
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=10)
    sock.sendall(raw)
    methods = [line.split(b" ")[0] for line in raw.split(b"\r\n")
               if line.endswith((b"HTTP/1.1", b"HTTP/1.0"))]
    data, out = b"", []
    for method in methods[:answers]:
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, data = data.split(b"\r\n\r\n", 1)
        status, *fields = head.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (f.split(":", 1) for f in fields)}
        length = 0 if method == b"HEAD" else int(headers.get("content-length", 0))
        while len(data) < length:
            data += sock.recv(65536)
        out.append((status, headers, data[:length]))
        data = data[length:]
    sock.settimeout(0.3)
    try:
        extra = sock.recv(65536)
    except socket.timeout:
        extra = b""
    sock.close()
    assert extra == b"", f"bytes after the last answer: {extra[:200]!r}"
    return out


def test_head_gets_the_header_of_get_and_no_body(service):
    auth = f"Authorization: Bearer {service.token('alice')}\r\n".encode()
    (head, h_headers, h_body), (get, g_headers, g_body), (missing, m_headers, _), (last, _, body) = exchange(
        service,
        b"HEAD /topics HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n"
        b"GET /topics HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n"
        b"HEAD /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 4)
    assert head == get == "HTTP/1.1 200 OK"
    assert h_headers["content-length"] == g_headers["content-length"] == str(len(g_body))
    assert h_headers["content-type"] == g_headers["content-type"]
    assert missing == "HTTP/1.1 404 Not Found" and int(m_headers["content-length"]) > 0
    assert last == "HTTP/1.1 200 OK" and json.loads(body) == {"status": "ok"}


def test_head_of_a_recording_gives_its_size_and_type(service):
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    data = os.urandom(200_000)
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=data,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 200, r.text
    auth = f"Authorization: Bearer {service.token('jean')}\r\n".encode()
    path = f"/sessions/{s['id']}/audio".encode()
    (head, headers, _), (get, _, body) = exchange(
        service,
        b"HEAD " + path + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n"
        b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"Connection: close\r\n\r\n", 2)
    assert head == get == "HTTP/1.1 200 OK"
    assert (headers["content-length"], headers["content-type"]) == (str(len(data)), "audio/ogg")
    assert body == data


def test_a_body_on_a_recording_download_is_not_read_as_the_next_request(service):
    # What a proxy reusing one connection for several clients would pass on: the bytes
    # after the header are this request's body, not a request of their own.
    smuggled = b"POST /matchmaking/leave HTTP/1.1\r\nX-Ignore: "
    (status, headers, _), = exchange(
        service,
        b"GET /sessions/x/audio HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
        + smuggled + b"GET /topics HTTP/1.1\r\nHost: x\r\n\r\n", 1)
    assert status == "HTTP/1.1 401 Unauthorized" and headers["connection"] == "close"


def test_framing_a_proxy_could_read_differently_is_refused(service):
    for coding in (b"chunked, identity", b"identity", b"gzip, chunked", b""):
        (status, headers, body), = exchange(
            service,
            b"POST /dev/token HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: " + coding +
            b"\r\nContent-Length: 4\r\n\r\n23\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n\r\n0\r\n\r\n", 1)
        assert status == "HTTP/1.1 400 Bad Request", (coding, status)
        assert json.loads(body)["error"]["code"] == "VALIDATION_FAILED" and headers["connection"] == "close"


def test_host_is_required_once_and_valid(service):
    for head in (b"", b"Host: a\r\nHost: b\r\n", b"Host: a b/c@d\r\n"):
        (status, headers, _), = exchange(service, b"GET /healthz HTTP/1.1\r\n" + head + b"\r\n", 1)
        assert status == "HTTP/1.1 400 Bad Request", (head, status)
    (status, _, body), = exchange(service, b"GET /healthz HTTP/1.0\r\n\r\n", 1)
    assert status == "HTTP/1.0 200 OK" and json.loads(body) == {"status": "ok"}


def test_a_target_in_absolute_form_is_served_and_a_bad_one_is_400(service):
    token = service.token("alice")
    (absolute, _, body), (bad, _, error) = exchange(
        service,
        f"GET http://127.0.0.1:{service.port}/healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        f"GET /topics?limit=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
        "Connection: close\r\n\r\n".encode(), 2)
    assert absolute == "HTTP/1.1 200 OK" and json.loads(body) == {"status": "ok"}
    assert bad == "HTTP/1.1 400 Bad Request"
    assert json.loads(error)["error"]["code"] == "VALIDATION_FAILED"


def test_a_json_body_behind_expect_100_continue_is_asked_for(service):
    body = json.dumps({"userId": "carol"}).encode()
    with socket.create_connection(("127.0.0.1", service.port), timeout=5) as sock:
        sock.sendall(b"POST /dev/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                     b"Expect: 100-continue\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
        assert sock.recv(4096).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK") and b'"token"' in answer


def test_a_cached_page_is_revalidated_with_304_and_no_length(make_service, tmp_path):
    root = tmp_path / "web"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>x</title>")
    service = make_service({"CONV_WEB_ROOT": str(root)})
    etag = requests.get(service.base + "/", timeout=10).headers["ETag"]
    for condition in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        (status, headers, _), = exchange(
            service, f"GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: {condition}\r\n\r\n".encode(), 1)
        assert status == "HTTP/1.1 304 Not Modified", condition
        assert "content-length" not in headers and headers["etag"] == etag


def test_links_in_the_web_root_are_not_served(make_service, tmp_path):
    # A link could name any file of the machine: it was served, under the path it resolved to.
    root = tmp_path / "web"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>x</title>")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web")
    (root / "passwd.txt").symlink_to(secret)
    service = make_service({"CONV_WEB_ROOT": str(root)})
    assert requests.get(service.base + "/", timeout=10).status_code == 200
    for path in ("/passwd.txt", "/../secret.txt"):
        (status, _, body), = exchange(service, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 1)
        assert status == "HTTP/1.1 404 Not Found" and b"not for the web" not in body, (path, status)


def test_what_the_service_writes_is_not_for_every_local_user(make_service, tmp_path):
    # The store, the event log (report reasons), recordings: the service's account and group.
    svc = make_service()  # the service makes its data directory itself
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    assert svc.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=b"a" * 100,
                       headers={"Content-Type": "audio/ogg"}).status_code == 200
    svc.wait_for_event("session.audio-uploaded", sessionId=s["id"])
    written = [svc.data_dir, *svc.data_dir.rglob("*")]
    assert {p.name for p in written} >= {"data", "conversation.db", "events.jsonl", "audio", "alive"}
    for p in written:
        assert p.stat().st_mode & 0o007 == 0, f"{p}: {oct(p.stat().st_mode)}"


def test_every_answer_is_dated(service):
    answers = [service.get("/healthz"), service.get("/nowhere"), service.get("/topics"),
               service.get("/topics", "alice")]
    (status, headers, _), = exchange(service, b"GET /healthz HTTP/1.1\r\n\r\n", 1)  # no Host: 400
    dates = [r.headers.get("Date") for r in answers] + [headers.get("date")]
    for date in dates:
        assert date, dates
        assert abs(email.utils.parsedate_to_datetime(date).timestamp() - time.time()) < 5, date


def test_an_empty_line_after_a_body_is_not_taken_for_a_request(service):
    body = json.dumps({"userId": "carol"}).encode()
    (token, _, _), (health, _, _) = exchange(
        service,
        b"POST /dev/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % len(body) + body +
        b"\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2)
    assert token == health == "HTTP/1.1 200 OK"


def test_mint_token_refuses_to_sign_what_the_configured_server_would_refuse(tmp_path):
    base = {"PATH": "/usr/bin:/bin", "CONV_DATA_DIR": str(tmp_path / "data")}
    for env in ({"CONV_JWT_JWKS_URL": "https://id.example/jwks.json"}, {"CONV_DEV_AUTH": "false"}):
        p = subprocess.run([str(BINARY), "mint-token", "--user", "zoe"], env={**base, **env}, capture_output=True,
                           timeout=20)
        assert p.returncode == 2 and b"CONV_JWT_SECRET" in p.stderr, (env, p)
        assert p.stdout == b""
    assert not (tmp_path / "data" / "dev-jwt-secret").exists()  # no secret nobody would use


def test_a_wrong_command_line_exits_2(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "CONV_DATA_DIR": str(tmp_path / "data")}
    for args in (["serve"], ["--version"], ["mint-token"], ["mint-token", "--user", "a", "--hours", "abc"],
                 ["mint-token", "--user", "a", "--hours", "0"]):
        p = subprocess.run([str(BINARY), *args], env=env, capture_output=True, timeout=20)
        assert p.returncode == 2, (args, p)
    assert subprocess.run([str(BINARY), "--help"], env=env, capture_output=True, timeout=20).returncode == 0


def test_a_refused_url_setting_is_not_echoed_with_its_password(tmp_path):
    code, err = run_expecting_failure(tmp_path, CONV_REDIS_URL="rediss://:Sup3rS3cret@cache.example:6380")
    assert code == 2 and b"CONV_REDIS_URL" in err and b"Sup3rS3cret" not in err, err


def test_counters_are_typed_as_counters_and_histogram_counts_match_their_buckets(service):
    service.get("/healthz")
    text = service.get("/metrics").text
    types = dict(line.split()[2:4] for line in text.splitlines() if line.startswith("# TYPE"))
    for name, kind in types.items():
        if name.endswith("_total"):
            assert kind == "counter", name
    inf = next(l for l in text.splitlines() if l.startswith('conv_http_request_seconds_bucket{le="+Inf"}'))
    count = next(l for l in text.splitlines() if l.startswith("conv_http_request_seconds_count"))
    assert inf.split()[-1] == count.split()[-1]


def test_the_open_file_limit_is_raised_and_the_connection_cap_kept_below_it(tmp_path):
    import resource

    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 512))

    svc = Service(tmp_path / "data", {"CONV_MAX_CONNECTIONS": "100000"})
    svc.preexec = low_limit
    svc.start()
    try:
        limits = pathlib.Path(f"/proc/{svc.proc.pid}/limits").read_text()
        soft = next(l for l in limits.splitlines() if l.startswith("Max open files")).split()[3]
        assert soft == "512", limits
        assert "at most 256 connections" in svc.log_path.read_text()
        socks = [socket.create_connection(("127.0.0.1", svc.port), timeout=10) for _ in range(300)]
        try:
            for s in socks[256:]:  # closed at once, not left waiting for a descriptor
                s.settimeout(5)
                try:
                    assert s.recv(1) == b""
                except ConnectionResetError:
                    pass
        finally:
            for s in socks:
                s.close()
        deadline = time.monotonic() + 10
        while True:
            try:
                if svc.get("/healthz").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        svc.stop()


def test_metrics_count_requests_matches_and_how_sessions_end(make_service):
    service = make_service({"CONV_MIN_COMPLETED_S": "600"})
    wa, wb, s = pair(service)  # two requests, one match
    assert service.join("zoe", level="C2").status_code == 202
    assert service.post("/matchmaking/leave", "zoe").status_code == 200
    connect(service, wa, wb, s)
    assert service.post(f"/sessions/{s['id']}/end", "marie").status_code == 200
    assert metric(service, "conv_matchmaking_requests_total") == 3
    assert metric(service, "conv_matches_total") == 1
    assert metric(service, 'conv_matchmaking_requests_ended_total{status="cancelled"}') == 1
    assert metric(service, 'conv_matchmaking_requests_ended_total{status="expired"}') == 0
    assert metric(service, "conv_sessions_started_total") == 1
    assert metric(service, 'conv_sessions_ended_total{status="cancelled"}') == 1  # too short
    assert metric(service, 'conv_sessions_ended_total{status="completed"}') == 0


def test_logs_name_who_a_session_is_for_and_how_it_ended_and_never_a_token(make_service):
    svc = make_service({"CONV_LOG_LEVEL": "debug", "CONV_MIN_COMPLETED_S": "600"})
    wa, wb, s = pair(svc)
    connect(svc, wa, wb, s)
    assert svc.post(f"/sessions/{s['id']}/end", "marie").status_code == 200
    wa.close()
    deadline = time.monotonic() + 10
    while "user marie disconnected" not in svc.log_path.read_text():
        assert time.monotonic() < deadline, svc.log_path.read_text()
        time.sleep(0.05)
    log = svc.log_path.read_text()
    assert f"session {s['id']} created for marie and jean" in log
    assert f"session {s['id']} of marie and jean: active -> cancelled (ended_by_participant), endReason too_short" in log
    assert f"POST /sessions/{s['id']}/end 200" in log  # the access log, at debug
    assert "user jean connected" in log
    assert svc.token("marie") not in log and "access_token" not in log


def test_disconnects_arm_no_timer_for_users_with_nothing_in_line(service):
    # A presence grace per disconnect would hold a timer for every user who left lately.
    for i in range(20):
        service.ws(f"passer{i}").close()
    w = service.ws("waiter")
    assert service.join("waiter").status_code == 202  # its deadline
    w.close()  # and its presence grace
    deadline = time.monotonic() + 10
    while metric(service, "conv_timers_pending") != 2 or metric(service, "conv_users_online") != 0:
        assert time.monotonic() < deadline, service.get("/metrics").text
        time.sleep(0.05)
    time.sleep(0.3)  # nothing more arrives late
    assert metric(service, "conv_timers_pending") == 2


def test_responses_are_counted_by_status_class(service):
    def counts():  # one /metrics, counted once it is answered: in the next reading
        text = service.get("/metrics").text
        return {c: next(float(l.split()[-1]) for l in text.splitlines()
                        if l.startswith(f'conv_http_responses_total{{class="{c}xx"}} ')) for c in range(2, 6)}
    service.token("marie")  # the dev token's own request, before counting
    before = counts()
    service.get("/healthz")                                       # 2xx
    service.get("/topics")                                        # 4xx: no token
    service.get("/sessions/nope/audio", "marie")                  # 4xx: an audio route
    raw_exchange(service, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")  # 4xx: two Hosts
    after = counts()
    assert after[2] - before[2] == 2  # /healthz, and the /metrics that read `before`
    assert after[4] - before[4] == 3
    assert after[5] == before[5] == 0
    assert after[3] == 0
