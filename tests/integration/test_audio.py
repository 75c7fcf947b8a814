"""Recordings: streamed upload and download, types, sizes, one per session."""
import concurrent.futures
import hashlib
import json
import os
import socket
import time

import requests

from conftest import *  # noqa: F401,F403


def active_session(service, a="marie", b="jean"):
    wa, wb, s = pair(service, a, b)
    connect(service, wa, wb, s)
    return wa, wb, s


def test_a_participant_uploads_and_both_download(service):
    wa, wb, s = active_session(service)
    data = os.urandom(1024 * 1024 - 17)  # what a call that has just started may hold
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=data,
                        headers={"Content-Type": "audio/webm;codecs=opus"})
    assert r.status_code == 200, r.text
    assert r.json()["audioRecordingUrl"]
    for user in ("marie", "jean"):
        got = service.request("GET", f"/sessions/{s['id']}/audio", user)
        assert got.status_code == 200 and got.headers["Content-Type"] == "audio/webm"
        assert hashlib.sha256(got.content).digest() == hashlib.sha256(data).digest()
    e = service.wait_for_event("session.audio-uploaded", sessionId=s["id"])
    assert e["data"]["sizeBytes"] == len(data)
    assert service.request("GET", f"/sessions/{s['id']}/audio", "eve").status_code == 404
    assert service.request("GET", f"/sessions/{s['id']}/audio", "root", admin=True).status_code == 200


def test_chunked_upload_is_streamed(service):
    wa, wb, s = active_session(service)
    chunks = [os.urandom(100_000) for _ in range(10)]
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "jean", data=iter(chunks),
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 200, r.text
    got = service.request("GET", f"/sessions/{s['id']}/audio", "marie").content
    assert got == b"".join(chunks)


def test_one_recording_per_session(service):
    wa, wb, s = active_session(service)
    ok = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=b"a" * 100,
                         headers={"Content-Type": "audio/wav"})
    assert ok.status_code == 200
    again = service.request("PUT", f"/sessions/{s['id']}/audio", "jean", data=b"b" * 100,
                            headers={"Content-Type": "audio/wav"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "AUDIO_ALREADY_UPLOADED"


def test_wrong_type_and_too_large_are_refused(make_service):
    svc = make_service({"CONV_AUDIO_MAX_BYTES": "1000"})
    wa, wb, s = active_session(svc)
    r = svc.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=b"x" * 10,
                    headers={"Content-Type": "video/mp4"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    r = svc.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=b"x" * 1001,
                    headers={"Content-Type": "audio/mpeg"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    r = svc.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=iter([b"x" * 600, b"y" * 600]),
                    headers={"Content-Type": "audio/mpeg"})
    assert r.status_code == 413
    # Nothing was kept: a proper upload still works.
    r = svc.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=b"x" * 1000,
                    headers={"Content-Type": "audio/mpeg"})
    assert r.status_code == 200


def test_no_upload_while_waiting_or_by_an_outsider(service):
    wa, wb, s = pair(service)
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=b"x", headers={"Content-Type": "audio/wav"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "INVALID_STATE"
    connect(service, wa, wb, s)
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "eve", data=b"x", headers={"Content-Type": "audio/wav"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "SESSION_NOT_FOUND"
    r = service.request("GET", f"/sessions/{s['id']}/audio", "marie")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"


def test_upload_after_completion_is_accepted(service):
    wa, wb, s = active_session(service)
    time.sleep(2.1)
    service.post(f"/sessions/{s['id']}/end", "marie")
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "jean", data=b"z" * 1000,
                        headers={"Content-Type": "audio/mp4"})
    assert r.status_code == 200


def test_a_recording_left_by_a_failed_commit_does_not_block_the_next_upload(service):
    # What a crash between storing the bytes and recording them on the session leaves: a
    # stored recording no session refers to. It must not make every later upload a 409.
    wa, wb, s = active_session(service)
    (service.data_dir / "audio" / f"{s['id']}.rec").write_bytes(b"half-recorded leftovers")
    assert service.request("GET", f"/sessions/{s['id']}/audio", "marie").status_code == 404
    data = os.urandom(64 * 1024)
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=data,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 200, r.text
    got = service.request("GET", f"/sessions/{s['id']}/audio", "jean")
    assert got.status_code == 200 and got.content == data
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "jean", data=data,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "AUDIO_ALREADY_UPLOADED"


def test_storage_that_cannot_be_written_gives_503_and_recovers_without_a_restart(service):
    wa, wb, s = active_session(service)
    audio = service.data_dir / "audio"
    put_in_the_way(audio, "file")
    data = os.urandom(32 * 1024)
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=data,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 503 and r.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    audio.unlink()
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=data,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 200, r.text
    assert service.request("GET", f"/sessions/{s['id']}/audio", "jean").content == data


def begin_upload(service, session_id, user, declared):
    """A PUT whose body is still to come: returns its socket once the server has accepted
    the upload (its `100 Continue`)."""
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=10)
    sock.sendall((f"PUT /sessions/{session_id}/audio HTTP/1.1\r\nHost: x\r\n"
                  f"Authorization: Bearer {service.token(user)}\r\nContent-Type: audio/ogg\r\n"
                  f"Content-Length: {declared}\r\nExpect: 100-Continue\r\n\r\n").encode())
    assert sock.recv(4096).startswith(b"HTTP/1.1 100 Continue"), "the upload was not accepted"
    return sock


def parts(service):
    return list((service.data_dir / "audio").glob("*.part"))


def test_uploads_of_one_session_are_bounded_and_a_dropped_one_gives_its_place_back(service):
    wa, wb, s = active_session(service)
    started = [begin_upload(service, s["id"], user, 100_000) for user in ("marie", "jean") * 2]
    started[0].sendall(b"m" * 50_000)
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "jean", data=b"j" * 1000,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 429 and r.json()["error"]["code"] == "RATE_LIMITED", r.text
    assert r.headers["Retry-After"]
    # The first upload is dropped halfway: nothing of it is kept, and its place is free.
    started[0].close()
    deadline = time.monotonic() + 10
    while len(parts(service)) == 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(parts(service)) == 3, "the dropped upload's partial file is still there"
    assert service.request("GET", f"/sessions/{s['id']}/audio", "marie").status_code == 404
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "jean", data=b"j" * 1000,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 200, r.text
    assert service.request("GET", f"/sessions/{s['id']}/audio", "marie").content == b"j" * 1000
    # The uploads still in progress lose when they finish.
    for sock in started[1:]:
        sock.sendall(b"x" * 100_000)
        answer = sock.recv(65536)
        sock.close()
        assert answer.startswith(b"HTTP/1.1 409 Conflict") and b"AUDIO_ALREADY_UPLOADED" in answer


def test_concurrent_uploads_store_exactly_the_recording_that_was_confirmed(service):
    # Both participants upload at once, many times over: one upload is confirmed, and the
    # recording stored and announced is that one (a late upload once took the confirmed
    # recording for a leftover and replaced or deleted it).
    sessions = []
    for i in range(12):
        wa, wb, s = active_session(service, f"a{i}", f"b{i}")
        sessions.append(s)

    def put(s, user, body):
        r = requests.put(f"{service.base}/sessions/{s['id']}/audio", data=body, timeout=30,
                         headers={**service.auth(user), "Content-Type": "audio/ogg"})
        return r, body

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        futures = {s["id"]: [pool.submit(put, s, user, f"{user}-{n}-".encode() * (200 + n))
                             for n in range(2) for user in (s["participant1Id"], s["participant2Id"])]
                   for s in sessions}
    for s in sessions:
        results = [f.result() for f in futures[s["id"]]]
        confirmed = [body for r, body in results if r.status_code == 200]
        refused = [r for r, body in results if r.status_code != 200]
        assert len(confirmed) == 1, [r.status_code for r, _ in results]
        assert all(r.status_code == 409 and r.json()["error"]["code"] == "AUDIO_ALREADY_UPLOADED"
                   for r in refused)
        got = service.request("GET", f"/sessions/{s['id']}/audio", s["participant1Id"])
        assert got.status_code == 200 and got.content == confirmed[0]
        e = service.wait_for_event("session.audio-uploaded", sessionId=s["id"])
        assert e["data"]["sizeBytes"] == len(confirmed[0])
    assert len([e for e in service.events() if e["type"] == "session.audio-uploaded"]) == len(sessions)


def raw_put(service, session_id, user, head, body=b""):
    """One PUT written by hand; returns the status line and the body of the answer."""
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as sock:
        sock.sendall((f"PUT /sessions/{session_id}/audio HTTP/1.1\r\nHost: x\r\n"
                      f"Authorization: Bearer {service.token(user)}\r\n{head}"
                      "Connection: close\r\n\r\n").encode() + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status, _, rest = answer.partition(b"\r\n")
    return status.decode(), rest.partition(b"\r\n\r\n")[2]


def test_an_empty_recording_is_refused_and_leaves_the_session_open_for_one(service):
    wa, wb, s = active_session(service)
    for head, body in [("Content-Type: audio/webm\r\n", b""),
                       ("Content-Type: audio/webm\r\nContent-Length: 0\r\n", b""),
                       ("Content-Type: audio/webm\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n")]:
        status, answer = raw_put(service, s["id"], "marie", head, body)
        assert status == "HTTP/1.1 400 Bad Request", (head, status)
        assert json.loads(answer)["error"]["code"] == "VALIDATION_FAILED"
    assert service.get(f"/sessions/{s['id']}", "marie").json()["audioRecordingUrl"] is None
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=b"a" * 100,
                        headers={"Content-Type": "audio/webm"})
    assert r.status_code == 200, r.text


def test_header_spellings_http_allows_are_understood_and_a_bad_chunk_gets_400(service):
    wa, wb, s = active_session(service)
    status, answer = raw_put(service, s["id"], "marie",
                             "Content-Type: audio/webm\t;codecs=opus\r\n"
                             "Transfer-Encoding: chunked\r\n", b"FFFFFFFFFFFFFFFFFF\r\nxx\r\n")
    assert status == "HTTP/1.1 400 Bad Request", status
    assert json.loads(answer)["error"]["code"] == "VALIDATION_FAILED"
    sock = begin_upload(service, s["id"], "marie", 5)  # `Expect: 100-Continue`, any case
    sock.sendall(b"hello")
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(65536)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 200 OK"), answer[:200]
    assert service.request("GET", f"/sessions/{s['id']}/audio", "jean").content == b"hello"


def test_a_player_can_ask_for_part_of_a_recording(service):
    wa, wb, s = active_session(service)
    data = os.urandom(200_000)
    path = f"/sessions/{s['id']}/audio"
    r = service.request("PUT", path, "marie", data=data, headers={"Content-Type": "audio/mp4"})
    assert r.status_code == 200, r.text
    whole = service.request("GET", path, "jean")
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    for asked, first, last in (("bytes=0-99", 0, 99), ("bytes=199990-", 199_990, 199_999),
                               ("bytes=-5", 199_995, 199_999), ("bytes=100000-999999", 100_000, 199_999)):
        r = service.request("GET", path, "jean", headers={"Range": asked})
        assert r.status_code == 206, (asked, r.status_code)
        assert r.headers["Content-Range"] == f"bytes {first}-{last}/200000"
        assert r.content == data[first:last + 1], asked
    r = service.request("GET", path, "jean", headers={"Range": "bytes=200000-"})
    assert r.status_code == 416 and r.headers["Content-Range"] == "bytes */200000"
    assert r.json()["error"]["code"] == "VALIDATION_FAILED"
    for ignored in ({"Range": "bytes=0-1,5-6"}, {"Range": "bytes=0-1", "If-Range": '"x"'}):
        r = service.request("GET", path, "jean", headers=ignored)
        assert r.status_code == 200 and r.content == data, ignored


def test_a_recordings_path_is_read_percent_decoded_like_every_other(service):
    wa, wb, s = active_session(service)
    spelled = "".join(f"%{ord(c):02x}" for c in s["id"][:3]) + s["id"][3:]
    r = service.request("PUT", f"/sessions/{spelled}/aud%69o", "marie", data=b"a" * 100,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 200, r.text
    assert service.request("GET", f"/sessions/{s['id']}/audio", "jean").content == b"a" * 100


def test_a_recording_holds_no_more_than_its_call_lasted(make_service):
    # 1 MiB, and 256 KiB per second of call: nothing deletes recordings, so two accounts
    # must not store the size limit for every one-second call they set up.
    svc = make_service({"CONV_MIN_COMPLETED_S": "1"})
    wa, wb, s = active_session(svc)
    too_much = os.urandom(1024 * 1024 + 2 * 256 * 1024)
    r = svc.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=too_much,
                    headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE", r.text
    assert svc.get(f"/sessions/{s['id']}", "marie").json()["audioRecordingUrl"] is None
    assert list((svc.data_dir / "audio").iterdir()) == []  # nothing left behind
    time.sleep(2.2)  # the call has now lasted long enough for it
    assert svc.post(f"/sessions/{s['id']}/end", "jean").status_code == 200
    r = svc.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=too_much,
                    headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 200, r.text


def test_a_recording_over_its_call_is_refused_before_it_is_on_disk(make_service):
    # Before, the cap was checked once the whole body was stored: four uploads at a time of
    # 100 MiB each, for a one-second call, again and again. Now a declared size is refused at
    # once, and a streamed body as soon as it passes the cap.
    svc = make_service({"CONV_MIN_COMPLETED_S": "1"})
    wa, wb, s = active_session(svc)
    declared = 50 * 1024 * 1024
    r = svc.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=b"",
                    headers={"Content-Type": "audio/ogg", "Content-Length": str(declared)})
    assert r.status_code == 413 and "at most" in r.json()["error"]["message"], r.text
    sock = socket.create_connection(("127.0.0.1", svc.port), timeout=10)
    sock.sendall((f"PUT /sessions/{s['id']}/audio HTTP/1.1\r\nHost: x\r\n"
                  f"Authorization: Bearer {svc.token('marie')}\r\nContent-Type: audio/ogg\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n").encode())
    sent, reply = send_until_answered(sock, b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n", declared)
    sock.close()
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert sent < 8 * 1024 * 1024, sent  # stopped near the cap (1.25 MiB here), not at 50 MiB
    assert svc.get(f"/sessions/{s['id']}", "marie").json()["audioRecordingUrl"] is None
