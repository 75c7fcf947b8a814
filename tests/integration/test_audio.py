"""Recordings: streamed upload and download, types, sizes, one per session."""
import hashlib
import os
import shutil

from conftest import *  # noqa: F401,F403


def active_session(service, a="marie", b="jean"):
    wa, wb, s = pair(service, a, b)
    connect(service, wa, wb, s)
    return wa, wb, s


def test_a_participant_uploads_and_both_download(service):
    wa, wb, s = active_session(service)
    data = os.urandom(3 * 1024 * 1024 + 17)
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
    chunks = [os.urandom(100_000) for _ in range(20)]
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
    shutil.rmtree(audio)
    audio.write_text("in the way")
    data = os.urandom(32 * 1024)
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=data,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 503 and r.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    audio.unlink()
    r = service.request("PUT", f"/sessions/{s['id']}/audio", "marie", data=data,
                        headers={"Content-Type": "audio/ogg"})
    assert r.status_code == 200, r.text
    assert service.request("GET", f"/sessions/{s['id']}/audio", "jean").content == data
