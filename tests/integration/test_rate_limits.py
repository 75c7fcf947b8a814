"""REST requests are limited per user: past the burst, 429 RATE_LIMITED with Retry-After,
and other users are unaffected; the budget comes back at the configured rate."""
import time

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
