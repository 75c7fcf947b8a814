"""Topics over REST: the starter catalogue, filters, pagination, and administration."""
import concurrent.futures

import pytest

from conftest import *  # noqa: F401,F403


@pytest.mark.parametrize("language", ["en", "fr", "es", "de", "it", "pt-BR"])
def test_a_fresh_store_has_starter_topics_for_every_level(service, language):
    levels = set()
    cursor = None
    while True:
        r = service.get(f"/topics?language={language}&limit=100" + (f"&cursor={cursor}" if cursor else ""),
                        "alice")
        assert r.status_code == 200, r.text
        page = r.json()
        levels |= {t["level"] for t in page["items"]}
        assert all(t["targetLanguageCode"] == language and t["isActive"] for t in page["items"])
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert levels == {"A1", "A2", "B1", "B2", "C1", "C2"}


def test_pages_cover_every_topic_once(service):
    seen, cursor = [], None
    while True:
        r = service.get("/topics?limit=7" + (f"&cursor={cursor}" if cursor else ""), "alice")
        assert r.status_code == 200
        page = r.json()
        assert len(page["items"]) <= 7
        seen += [t["id"] for t in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    everything = service.get("/topics?limit=100", "alice").json()["items"]
    assert len(seen) == len(set(seen))
    assert len(seen) >= len(everything)


def test_filters_by_level_and_category(service):
    r = service.get("/topics?language=en&level=B2", "alice")
    assert r.status_code == 200
    items = r.json()["items"]
    assert items and all(t["level"] == "B2" and t["targetLanguageCode"] == "en" for t in items)
    category = items[0]["category"]
    r = service.get(f"/topics?category={category}", "alice")
    assert all(t["category"] == category for t in r.json()["items"])


def test_a_category_is_found_by_the_name_it_was_created_with(service):
    # 60 Cyrillic letters: 120 bytes, within the 64 characters a category may have.
    category = "к" * 60
    r = service.post("/topics", "root", {"targetLanguageCode": "ru", "level": "B1", "title": "Кухня",
                                         "category": category}, admin=True)
    assert r.status_code == 201, r.text
    r = service.get("/topics", "alice", params={"category": category})
    assert r.status_code == 200, r.text
    assert [t["category"] for t in r.json()["items"]] == [category]


def test_bad_query_parameters_are_validation_failures(service):
    r = service.get("/topics?level=Z9&limit=0&language=english", "alice")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert {d["field"] for d in error["details"]} == {"level", "limit", "language"}
    assert service.get("/topics?cursor=../../etc", "alice").json()["error"]["code"] == "VALIDATION_FAILED"
    # A cursor that names no topic was not given out by the service: refused, not an empty page.
    r = service.get("/topics?cursor=zzz", "alice")
    assert r.status_code == 400 and r.json()["error"]["details"] == [{"field": "cursor", "problem": "is not valid"}]
    # Messages that say what is wrong.
    r = service.get("/topics", "alice", params={"category": b"\xff"})
    assert r.json()["error"]["details"] == [{"field": "category", "problem": "must be valid UTF-8"}], r.text


def test_a_language_code_must_name_a_language(service):
    r = service.get("/topics?language=xx", "alice")
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"] == "language"
    assert service.get("/topics?language=es-419", "alice").status_code == 200
    r = service.post("/topics", "root", {"targetLanguageCode": "qq", "level": "B1", "title": "x"}, admin=True)
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"] == "targetLanguageCode"
    r = service.post("/topics", "root", {"targetLanguageCode": "es-419", "level": "B1", "title": "El barrio"},
                     admin=True)
    assert r.status_code == 201, r.text


def test_empty_query_parameters_are_parameters_not_given(service):
    # As a form with blank fields sends them: no filter, the default limit, the first page.
    everything = service.get("/topics", "alice").json()
    r = service.get("/topics?language=&level=&category=&limit=&cursor=", "alice")
    assert r.status_code == 200, r.text
    assert r.json() == everything
    r = service.get("/sessions?status=&limit=&cursor=", "alice")
    assert r.status_code == 200, r.text


def test_topics_need_a_token(service):
    r = service.get("/topics")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "UNAUTHORIZED"


def test_admin_creates_changes_and_deactivates_a_topic(service):
    body = {"targetLanguageCode": "it", "level": "B1", "title": "La cucina", "promptQuestions": ["Cosa cucini?"],
            "category": "food", "estimatedDurationMinutes": 12}
    r = service.post("/topics", "root", body, admin=True)
    assert r.status_code == 201, r.text
    topic = r.json()
    assert topic["title"] == "La cucina" and topic["isActive"] and topic["id"]
    assert r.headers["Location"] == f"/topics/{topic['id']}"
    assert service.get(f"/topics/{topic['id']}", "alice").json() == topic

    r = service.request("PATCH", f"/topics/{topic['id']}", "root", admin=True, json={"title": "La cucina di casa"})
    assert r.status_code == 200 and r.json()["title"] == "La cucina di casa"

    r = service.request("DELETE", f"/topics/{topic['id']}", "root", admin=True)
    assert r.status_code == 204
    listed = service.get("/topics?language=it&level=B1&limit=100", "alice").json()["items"]
    assert topic["id"] not in [t["id"] for t in listed]
    assert service.get(f"/topics/{topic['id']}", "alice").json()["isActive"] is False


def test_only_admins_administer_topics(service):
    body = {"targetLanguageCode": "it", "level": "B1", "title": "x"}
    assert service.post("/topics", "alice", body).json()["error"]["code"] == "FORBIDDEN"
    assert service.post("/topics", "alice", body).status_code == 403
    tid = service.get("/topics?limit=1", "alice").json()["items"][0]["id"]
    assert service.request("DELETE", f"/topics/{tid}", "alice").status_code == 403


def test_a_number_that_is_not_whole_is_told_so(service):
    for minutes in (1.5, 1.0):
        r = service.post("/topics", "root", {"targetLanguageCode": "it", "level": "B1", "title": "x",
                                             "estimatedDurationMinutes": minutes}, admin=True)
        assert r.status_code == 400
        assert r.json()["error"]["details"] == [
            {"field": "estimatedDurationMinutes", "problem": "must be a whole number from 1 to 60"}], r.text


def test_topic_validation_reports_each_field(service):
    r = service.post("/topics", "root", {"level": "B7", "title": "", "promptQuestions": ["q"] * 21,
                                         "estimatedDurationMinutes": 0, "colour": "red"}, admin=True)
    assert r.status_code == 400
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {"targetLanguageCode", "level", "title", "promptQuestions", "estimatedDurationMinutes", "colour"} <= fields


def test_unknown_topic_is_topic_not_found(service):
    r = service.get("/topics/does-not-exist", "alice")
    assert r.status_code == 404 and r.json()["error"]["code"] == "TOPIC_NOT_FOUND"
    r = service.request("PATCH", "/topics/does-not-exist", "root", admin=True, json={"title": "x"})
    assert r.json()["error"]["code"] == "TOPIC_NOT_FOUND"


def test_malformed_json_is_refused(service):
    r = service.request("POST", "/topics", "root", admin=True, data="{not json",
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "MALFORMED_JSON"
    r = service.request("POST", "/topics", "root", admin=True, data=b'{"title":"\xff"}',
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "MALFORMED_JSON"


def test_a_body_that_repeats_a_key_is_refused(service):
    # Which of two titles would count depends on the reader: refused, as on the WebSocket.
    body = '{"targetLanguageCode":"it","level":"B1","title":"a","title":"b"}'
    r = service.request("POST", "/topics", "root", admin=True, data=body,
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED", r.text
    assert r.json()["error"]["message"] == "the body may not repeat a key"
    r = service.request("POST", "/matchmaking/join", "ada", data='{"userLevel":"A1","targetLanguageCode":"en","userLevel":"C2"}',
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED", r.text
    # Nested objects are not the body's keys: an unknown field, refused as such.
    r = service.request("POST", "/topics", "root", admin=True,
                        data='{"targetLanguageCode":"it","level":"B1","title":"a","x":{"k":1,"k":2}}',
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["details"][0]["field"] == "x", r.text


def test_oversized_bodies_are_refused(service):
    r = service.request("POST", "/topics", "root", admin=True, data="x" * (2 * 1024 * 1024),
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    r = service.request("GET", "/topics", "alice", headers={"X-Padding": "p" * 20000})
    assert r.status_code == 413, r.text
    assert service.get("/healthz").status_code == 200


def test_a_change_bumps_the_version_and_null_clears_what_may_be_empty(service):
    t = service.post("/topics", "root", {"targetLanguageCode": "en", "level": "B1", "title": "Travel",
                                         "description": "Trips", "category": "travel"}, admin=True).json()
    assert t["version"] == 1
    path = f"/topics/{t['id']}"
    r = service.request("PATCH", path, "root", admin=True, json={"description": None, "category": None})
    assert r.status_code == 200, r.text
    assert (r.json()["description"], r.json()["category"], r.json()["version"]) == ("", "", 2)
    again = service.request("PATCH", path, "root", admin=True, json={"description": None})
    assert again.json()["version"] == 2, "a change that changes nothing writes nothing"
    for bad in ({"title": None}, {"title": "   "}, {"isActive": None}):
        r = service.request("PATCH", path, "root", admin=True, json=bad)
        assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED", bad
    assert service.request("DELETE", path, "root", admin=True).status_code == 204
    assert service.request("DELETE", path, "root", admin=True).status_code == 204
    got = service.get(path, "alice").json()
    assert (got["isActive"], got["version"]) == (False, 3)


def test_a_change_racing_a_deactivation_does_not_undo_it(make_service):
    # Two admins at once, many times over: whichever commits first, both take effect.
    service = make_service({"CONV_HTTP_RATE_PER_S": "1000", "CONV_HTTP_BURST": "1000"})
    def change(method, path, body=None):
        return service.request(method, path, "root", admin=True, json=body).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for i in range(20):
            t = service.post("/topics", "root", {"targetLanguageCode": "en", "level": "B1",
                                                 "title": "Travel"}, admin=True).json()
            path = f"/topics/{t['id']}"
            patched = pool.submit(change, "PATCH", path, {"title": f"Trips {i}"})
            deleted = pool.submit(change, "DELETE", path)
            assert (patched.result(), deleted.result()) == (200, 204)
            got = service.get(path, "alice").json()
            assert (got["isActive"], got["title"]) == (False, f"Trips {i}"), got
