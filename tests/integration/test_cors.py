"""CORS: a page of another origin that CONV_ALLOWED_ORIGINS allows may call the REST API."""
import os

from conftest import *  # noqa: F401,F403

PAGE = "https://learn.example.com"


def preflight(service, path, origin, method="POST"):
    return requests.options(service.base + path, timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization,content-type"})


def test_an_allowed_page_may_call_the_api(make_service):
    service = make_service({"CONV_ALLOWED_ORIGINS": PAGE})
    r = preflight(service, "/matchmaking/join", PAGE)
    assert r.status_code == 204, r.text
    assert r.headers["Access-Control-Allow-Origin"] == PAGE
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert {"authorization", "content-type"} <= {
        h.strip().lower() for h in r.headers["Access-Control-Allow-Headers"].split(",")}
    assert int(r.headers["Access-Control-Max-Age"]) > 0
    r = service.request("POST", "/matchmaking/join", "alice", headers={"Origin": PAGE},
                        json={"targetLanguageCode": "en", "userLevel": "B1"})
    assert r.status_code == 202, r.text
    assert r.headers["Access-Control-Allow-Origin"] == PAGE
    assert "Origin" in r.headers["Vary"]
    assert "Retry-After" in r.headers["Access-Control-Expose-Headers"]
    # Errors carry the headers too, or the page could not read why it was refused.
    r = service.request("POST", "/matchmaking/join", "alice", headers={"Origin": PAGE},
                        json={"targetLanguageCode": "en", "userLevel": "B1"})
    assert r.status_code == 409 and r.headers["Access-Control-Allow-Origin"] == PAGE


def test_a_page_of_another_origin_gets_no_permission(make_service):
    service = make_service({"CONV_ALLOWED_ORIGINS": PAGE})
    r = preflight(service, "/matchmaking/join", "https://evil.example")
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"
    assert "Access-Control-Allow-Origin" not in r.headers
    r = service.request("GET", "/topics", "alice", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers
    r = service.get("/topics", "alice")  # a native client sends no Origin and needs no CORS
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers


def test_recordings_answer_an_allowed_page_too(make_service):
    service = make_service({"CONV_ALLOWED_ORIGINS": PAGE})
    wa, wb, s = pair(service)
    connect(service, wa, wb, s)
    path = f"/sessions/{s['id']}/audio"
    assert preflight(service, path, PAGE, "PUT").status_code == 204
    data = os.urandom(10_000)
    r = service.request("PUT", path, "marie", data=data,
                        headers={"Content-Type": "audio/ogg", "Origin": PAGE})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == PAGE
    r = service.request("GET", path, "jean", headers={"Origin": PAGE})
    assert r.content == data and r.headers["Access-Control-Allow-Origin"] == PAGE
