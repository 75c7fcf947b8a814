#!/usr/bin/env python3
"""Makes an AWS Signature Version 4 presigned URL (query-string auth), standard library only.

usage: s3_presign.py [--method GET] [--expires 300] [--region us-east-1] ENDPOINT BUCKET KEY
       s3_presign.py --self-test
Reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_REGION) from the environment.
Path-style addressing (ENDPOINT/BUCKET/KEY), payload UNSIGNED-PAYLOAD, signed header: host.
--self-test checks the signer against the known-answer example of the AWS S3 documentation
("Authenticating Requests: Using Query Parameters").
"""
import argparse
import datetime
import hashlib
import hmac
import os
import sys
import urllib.parse


def _quote(s, safe="-_.~"):
    return urllib.parse.quote(s, safe=safe)


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def presign(method, endpoint, bucket, key, access_key, secret_key, region, expires, now=None,
            virtual_host=False):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = now.strftime("%Y%m%d")
    parts = urllib.parse.urlsplit(endpoint)
    host = parts.netloc
    if virtual_host:
        host = bucket + "." + host
        path = "/" + key
    else:
        path = "/" + bucket + "/" + key
    canonical_uri = _quote(path, safe="/-_.~")
    scope = f"{date}/{region}/s3/aws4_request"
    query = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{access_key}/{scope}",
        "X-Amz-Date": amz_date,
        "X-Amz-Expires": str(expires),
        "X-Amz-SignedHeaders": "host",
    }
    canonical_query = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in sorted(query.items()))
    canonical_request = "\n".join(
        [method, canonical_uri, canonical_query, f"host:{host}\n", "host", "UNSIGNED-PAYLOAD"])
    string_to_sign = "\n".join([
        "AWS4-HMAC-SHA256", amz_date, scope,
        hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()])
    k = _hmac(("AWS4" + secret_key).encode("utf-8"), date)
    k = _hmac(k, region)
    k = _hmac(k, "s3")
    k = _hmac(k, "aws4_request")
    signature = hmac.new(k, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    scheme = parts.scheme or "http"
    return f"{scheme}://{host}{canonical_uri}?{canonical_query}&X-Amz-Signature={signature}", signature


def self_test():
    url, sig = presign("GET", "https://s3.amazonaws.com", "examplebucket", "test.txt",
                       "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                       "us-east-1", 86400,
                       now=datetime.datetime(2013, 5, 24, tzinfo=datetime.timezone.utc),
                       virtual_host=True)
    want = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    if sig != want:
        print(f"s3_presign self-test FAILED: signature {sig}, expected {want}\n{url}", file=sys.stderr)
        return 1
    print("s3_presign self-test: AWS documentation example reproduced")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--method", default="GET")
    ap.add_argument("--expires", type=int, default=300)
    ap.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    ap.add_argument("endpoint", nargs="?")
    ap.add_argument("bucket", nargs="?")
    ap.add_argument("key", nargs="?")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    if not (a.endpoint and a.bucket and a.key):
        ap.error("ENDPOINT BUCKET KEY are required")
    access, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not access or not secret:
        ap.error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set")
    url, _ = presign(a.method.upper(), a.endpoint, a.bucket, a.key, access, secret, a.region, a.expires)
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
