"""Tokens through the real binary: HS256, RS256/ES256 from a JWKS URL, and every forgery."""
import base64
import http.server
import json as jsonlib
import threading

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from conftest import *  # noqa: F401,F403

SECRET = "s" * 48


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**extra):
    now = int(time.time())
    return {"sub": "alice", "exp": now + 300, **extra}


def status_with(service, token):
    return requests.get(service.base + "/matchmaking/status", headers={"Authorization": f"Bearer {token}"},
                        timeout=10)


@pytest.fixture
def hs_service(make_service):
    return make_service({"CONV_DEV_AUTH": "false", "CONV_JWT_SECRET": SECRET,
                         "CONV_JWT_ISSUER": "https://auth.example", "CONV_JWT_AUDIENCE": "conversation"})


def good(**extra):
    return jwt.encode(claims(iss="https://auth.example", aud="conversation", **extra), SECRET, algorithm="HS256")


def test_a_valid_hs256_token_is_accepted(hs_service):
    assert status_with(hs_service, good()).status_code == 404  # authenticated; no request yet


@pytest.mark.parametrize("name,make", [
    ("expired", lambda: good(exp=int(time.time()) - 3600)),
    ("not yet valid", lambda: good(nbf=int(time.time()) + 3600)),
    ("wrong issuer", lambda: jwt.encode(claims(iss="https://evil", aud="conversation"), SECRET, algorithm="HS256")),
    ("wrong audience", lambda: jwt.encode(claims(iss="https://auth.example", aud="other"), SECRET, algorithm="HS256")),
    ("wrong secret", lambda: jwt.encode(claims(iss="https://auth.example", aud="conversation"), "t" * 48, algorithm="HS256")),
    ("no exp", lambda: jwt.encode({"sub": "a", "iss": "https://auth.example", "aud": "conversation"}, SECRET, algorithm="HS256")),
    ("alg none", lambda: b64(b'{"alg":"none","typ":"JWT"}') + "." + b64(jsonlib.dumps(claims(iss="https://auth.example", aud="conversation")).encode()) + "."),
    ("tampered", lambda: (lambda t: t.split(".")[0] + "." + b64(jsonlib.dumps(claims(sub="root", iss="https://auth.example", aud="conversation")).encode()) + "." + t.split(".")[2])(good())),
    ("nbf beyond any clock", lambda: good(nbf=1e20)),
    ("exp beyond any clock", lambda: good(exp=2**63 - 1)),
    ("critical header extension", lambda: jwt.encode(claims(iss="https://auth.example", aud="conversation"), SECRET,
                                                     algorithm="HS256", headers={"crit": ["x-ext"], "x-ext": 1})),
    ("garbage", lambda: "not-a-token"),
    ("oversized", lambda: good(pad="a" * 9000)),
])
def test_forged_and_invalid_tokens_are_unauthorized(hs_service, name, make):
    r = status_with(hs_service, make())
    assert r.status_code == 401, name
    assert r.json()["error"]["code"] == "UNAUTHORIZED"


class JwksServer:
    """Serves a JWKS document on loopback, as the platform's Auth Service would."""

    def __init__(self):
        self.keys = []
        self.fetches = 0
        self.delay = 0.0  # seconds each fetch waits before it is answered
        self.fetching = threading.Event()  # set when a delayed fetch begins
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.fetches += 1
                if outer.delay:
                    outer.fetching.set()
                    time.sleep(outer.delay)
                body = jsonlib.dumps({"keys": outer.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"

    def add(self, key, kid):
        jwk = jsonlib.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())
                            if isinstance(key, rsa.RSAPrivateKey) else jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
        jwk["kid"] = kid
        self.keys.append(jwk)


@pytest.fixture
def jwks():
    server = JwksServer()
    yield server
    server.server.shutdown()


def test_rs256_and_es256_from_jwks_with_key_rotation(make_service, jwks):
    rsa_a = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.add(rsa_a, "a")
    svc = make_service({"CONV_DEV_AUTH": "false", "CONV_JWT_JWKS_URL": jwks.url, "CONV_JWT_JWKS_REFRESH_S": "1"})
    assert status_with(svc, jwt.encode(claims(), rsa_a, algorithm="RS256", headers={"kid": "a"})).status_code == 404

    # The issuer rotates in new keys: an unknown kid makes the service refetch the JWKS
    # (no sooner than CONV_JWT_JWKS_REFRESH_S after the last fetch).
    time.sleep(1.2)
    ec_b = ec.generate_private_key(ec.SECP256R1())
    rsa_c = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.add(ec_b, "b")
    jwks.add(rsa_c, "c")
    assert status_with(svc, jwt.encode(claims(), ec_b, algorithm="ES256", headers={"kid": "b"})).status_code == 404
    assert status_with(svc, jwt.encode(claims(), rsa_c, algorithm="RS256", headers={"kid": "c"})).status_code == 404

    # Algorithm confusion: an HS256 token "signed" with the RSA public key as its secret.
    public_pem = rsa_a.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64(jsonlib.dumps({"alg": "HS256", "typ": "JWT", "kid": "a"}).encode())
    payload = b64(jsonlib.dumps(claims()).encode())
    import hashlib, hmac
    sig = b64(hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    assert status_with(svc, f"{header}.{payload}.{sig}").status_code == 401

    # A key the JWKS does not have, and a token signed by a stranger under a known kid.
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert status_with(svc, jwt.encode(claims(), stranger, algorithm="RS256", headers={"kid": "zzz"})).status_code == 401
    assert status_with(svc, jwt.encode(claims(), stranger, algorithm="RS256", headers={"kid": "a"})).status_code == 401


def test_random_kids_cannot_make_the_service_hammer_the_jwks_url(make_service, jwks):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.add(key, "a")
    svc = make_service({"CONV_DEV_AUTH": "false", "CONV_JWT_JWKS_URL": jwks.url, "CONV_JWT_JWKS_REFRESH_S": "30"})
    before = jwks.fetches
    for i in range(30):
        status_with(svc, jwt.encode(claims(), key, algorithm="RS256", headers={"kid": f"random-{i}"}))
    assert jwks.fetches - before <= 1


def test_a_slow_jwks_url_holds_only_the_tokens_waiting_for_it(make_service, jwks):
    """Tokens with a kid the service does not know wait for one refetch of the JWKS. While the
    JWKS URL is slow they must not hold the threads that event appends, uploads and readiness
    probes need, and the keys the refetch brings in serve every token that waited for it."""
    old, new = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    jwks.add(old, "a")
    svc = make_service({"CONV_DEV_AUTH": "false", "CONV_JWT_JWKS_URL": jwks.url, "CONV_JWT_JWKS_REFRESH_S": "1"})
    assert status_with(svc, jwt.encode(claims(), old, algorithm="RS256", headers={"kid": "a"})).status_code == 404

    jwks.add(new, "n")
    jwks.delay = 3.0
    time.sleep(1.2)  # past CONV_JWT_JWKS_REFRESH_S: an unknown kid may refetch
    tokens = [jwt.encode(claims(), new, algorithm="RS256", headers={"kid": "n"}) for _ in range(3)]
    tokens += [jwt.encode(claims(), old, algorithm="RS256", headers={"kid": f"random-{i}"}) for i in range(9)]
    codes = {}
    before = jwks.fetches
    threads = [threading.Thread(target=lambda i, t: codes.update({i: status_with(svc, t).status_code}), args=(i, t))
               for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    assert jwks.fetching.wait(10), "no token made the service refetch the JWKS"
    time.sleep(0.5)  # the other tokens arrive and wait for the fetch in progress

    started = time.monotonic()
    ready = requests.get(svc.base + "/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert time.monotonic() - started < 1.5, "the readiness probe waited for the JWKS fetch"

    for t in threads:
        t.join()
    assert [codes[i] for i in range(3)] == [404] * 3, codes
    assert [codes[i] for i in range(3, len(tokens))] == [401] * 9, codes
    assert jwks.fetches - before == 1, "tokens that waited for the fetch made fetches of their own"


def test_user_ids_are_whatever_the_auth_service_writes_without_control_characters(hs_service):
    # E-mail addresses with +tags, base64 ids, names in any script, quotes: all user ids.
    a, b = 'first+tag@example.com', 'Zoë "the" \\ one/ü=='
    wa = WsClient(f"{hs_service.ws_base}/ws", headers=[f"Authorization: Bearer {good(sub=a)}"])
    wb = WsClient(f"{hs_service.ws_base}/ws", headers=[f"Authorization: Bearer {good(sub=b)}"])
    join = {"targetLanguageCode": "en", "userLevel": "B1"}
    r = requests.post(hs_service.base + "/matchmaking/join", json=join, timeout=10,
                      headers={"Authorization": f"Bearer {good(sub=a)}"})
    assert r.status_code == 202, r.text
    r = requests.post(hs_service.base + "/matchmaking/join", json=join, timeout=10,
                      headers={"Authorization": f"Bearer {good(sub=b)}"})
    assert r.status_code == 201, r.text
    session = r.json()["session"]
    assert {session["participant1Id"], session["participant2Id"]} == {a, b}
    assert wa.recv("match-found")["partner"]["userId"] == b
    wb.recv("match-found")
    wb.send({"type": "ice-candidate", "sessionId": session["id"], "candidate": {"candidate": "x"}})
    assert wa.recv("ice-candidate")["from"] == b
    for bad in ("line\nbreak", " ", "x" * 256):
        assert status_with(hs_service, good(sub=bad)).status_code == 401, repr(bad)
