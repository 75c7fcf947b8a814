"""Hundreds of concurrent joins: never one request in two sessions, never a request lost."""
import collections
import concurrent.futures

from conftest import *  # noqa: F401,F403


def test_concurrent_joins_keep_the_matchmaking_invariants(make_service):
    svc = make_service({"CONV_PRESENCE_GRACE_S": "600"})
    users = [f"u{i}" for i in range(400)]
    levels = ["A1", "A2", "B1", "B2", "C1", "C2"]
    for u in users:
        svc.token(u)  # mint first so that the joins race each other, not the token route

    def join(i):
        u = users[i]
        r = svc.join(u, "en" if i % 3 else "fr", levels[i % len(levels)])
        return u, r.status_code, r.json()

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        results = list(pool.map(join, range(len(users))))

    assert all(code in (201, 202) for _, code, _ in results), [r for r in results if r[1] not in (201, 202)]
    sessions = {}
    for u, code, body in results:
        if code == 201:
            sessions[body["session"]["id"]] = body["session"]
    in_sessions = collections.Counter()
    for s in sessions.values():
        in_sessions[s["participant1Id"]] += 1
        in_sessions[s["participant2Id"]] += 1
        assert s["participant1Id"] != s["participant2Id"]
    assert all(n == 1 for n in in_sessions.values()), "a user is in two sessions"

    # Every user is either matched (in exactly one session) or still pending: none lost.
    for u in users:
        status = svc.get("/matchmaking/status", u).json()
        if u in in_sessions:
            assert status["status"] == "matched", (u, status)
        else:
            assert status["status"] == "pending", (u, status)
    # Whoever still waits has nobody compatible waiting: otherwise a match was missed.
    pending = [(r["request"]["targetLanguageCode"], r["request"]["userLevel"]) for u, c, r in results
               if u not in in_sessions]
    order = {l: i for i, l in enumerate(levels)}
    for i, (la, lv) in enumerate(pending):
        for lb, lw in pending[i + 1:]:
            assert not (la == lb and abs(order[lv] - order[lw]) <= 1), "two compatible users left waiting"
