"""The OpenAPI document describes routes that really answer."""
import re

from conftest import *  # noqa: F401,F403


def test_the_served_document_is_valid_openapi_3_1(service):
    from openapi_spec_validator import validate
    validate(service.get("/openapi.json").json())


def test_every_documented_route_answers(service):
    doc = service.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    wa, wb, s = pair(service, "doc-a", "doc-b")
    topic_id = service.get("/topics?limit=1", "x").json()["items"][0]["id"]
    values = {"id": s["id"], "topicId": topic_id, "sessionId": s["id"]}
    checked = 0
    for path, ops in doc["paths"].items():
        for method in ops:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            concrete = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), s["id"]), path)
            if path.startswith("/topics/"):
                concrete = path.replace("{id}", topic_id)
            if path == "/ws":
                continue  # the upgrade is covered by the WebSocket tests
            r = service.request(method.upper(), concrete, "root", admin=True,
                                json={} if method in ("post", "patch") else None)
            # Anything but "no such route": a 404 may only say that the thing asked for is not
            # there (no request yet, no recording yet), not that the path or method is unknown.
            if r.status_code == 404:
                assert not r.json()["error"]["message"].startswith("no such route"), (method, path, r.text)
            assert r.status_code != 405 and r.status_code < 500, (method, path, r.status_code, r.text)
            documented = set(ops[method]["responses"].keys())
            assert str(r.status_code) in documented or "default" in documented, (method, path, r.status_code, documented)
            checked += 1
    assert checked >= 18
