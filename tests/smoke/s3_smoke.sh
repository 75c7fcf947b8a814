#!/usr/bin/env bash
# Smoke test of the S3-compatible server with plain curl and its AWS SigV4 signing:
# create a bucket, put, get and list an object, a presigned GET that works with a plain
# `curl` (no credentials), and requests the server must refuse: a wrong secret, a tampered
# presigned URL, an anonymous request. Also checks the service's own bucket exists.
# Usage: s3_smoke.sh   (reads CONV_S3_ENDPOINT, CONV_S3_BUCKET, AWS_ACCESS_KEY_ID,
#                       AWS_SECRET_ACCESS_KEY, AWS_REGION)
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
for v in CONV_S3_ENDPOINT CONV_S3_BUCKET AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; do
  [[ -n "${!v:-}" ]] || { echo "FAIL s3: $v is not set" >&2; exit 2; }
done
endpoint=${CONV_S3_ENDPOINT%/}
region=${AWS_REGION:-us-east-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# s3 METHOD PATH [SECRET] [CURL-ARGS...]: a SigV4-signed request; prints the HTTP status,
# leaves the body in $work/body.
s3() {
  local method=$1 path=$2 secret=$3
  shift 3
  curl -sS --max-time 15 -o "$work/body" -w '%{http_code}' -X "$method" \
    --aws-sigv4 "aws:amz:$region:s3" --user "$AWS_ACCESS_KEY_ID:$secret" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@" "$endpoint$path" 2>"$work/err" ||
    echo "curl-failed:$(cat "$work/err")"
}
expect() { # expect WHAT WANT-STATUS GOT-STATUS [WANT-ERROR-CODE]
  if [[ "$3" == "$2" && ( -z "${4:-}" || "$(cat "$work/body")" == *"<Code>$4</Code>"* ) ]]; then
    echo "ok s3 $1 (HTTP $3)"
  else
    echo "FAIL s3: $1: expected HTTP $2${4:+ $4}, the server answered $3: $(head -c 500 "$work/body" 2>/dev/null)" >&2
    failures=$((failures + 1))
  fi
}

secret=$AWS_SECRET_ACCESS_KEY
bucket="conv-smoke-$$-$(date +%s)"
key="audio/smoke test+1.webm"
key_path="audio/smoke%20test%2B1.webm"
head -c 100000 /dev/urandom >"$work/object"

expect "the service's bucket $CONV_S3_BUCKET exists" 200 "$(s3 HEAD "/$CONV_S3_BUCKET" "$secret" -I)"
expect "create bucket $bucket" 200 "$(s3 PUT "/$bucket" "$secret")"
expect "put object" 200 "$(s3 PUT "/$bucket/$key_path" "$secret" -H 'Content-Type: audio/webm' --data-binary "@$work/object")"
code=$(s3 GET "/$bucket/$key_path" "$secret")
expect "get object" 200 "$code"
if [[ "$code" == 200 ]] && ! cmp -s "$work/body" "$work/object"; then
  echo "FAIL s3: get object: the body differs from what was put ($(stat -c %s "$work/body") bytes back, 100000 put)" >&2
  failures=$((failures + 1))
fi
code=$(s3 GET "/$bucket?list-type=2&prefix=audio%2F" "$secret")
expect "list objects" 200 "$code"
if [[ "$code" == 200 ]] && ! grep -q "<Key>$key</Key>" "$work/body"; then
  echo "FAIL s3: list objects: $key not in the listing: $(head -c 500 "$work/body")" >&2
  failures=$((failures + 1))
fi

url=$(python3 "$here/s3_presign.py" --region "$region" "$endpoint" "$bucket" "$key")
code=$(curl -sS --max-time 15 -o "$work/body" -w '%{http_code}' "$url" 2>&1)
expect "presigned GET with plain curl" 200 "$code"
if [[ "$code" == 200 ]] && ! cmp -s "$work/body" "$work/object"; then
  echo "FAIL s3: presigned GET: the body differs from what was put" >&2
  failures=$((failures + 1))
fi
tampered="${url%?}$( [[ "${url: -1}" == 0 ]] && echo 1 || echo 0)"
expect "tampered presigned GET refused" 403 \
  "$(curl -sS --max-time 15 -o "$work/body" -w '%{http_code}' "$tampered")" SignatureDoesNotMatch
expect "request signed with a wrong secret refused" 403 \
  "$(s3 GET "/$bucket/$key_path" "wrong-$secret")" SignatureDoesNotMatch
expect "anonymous request refused" 403 \
  "$(curl -sS --max-time 15 -o "$work/body" -w '%{http_code}' "$endpoint/$bucket/$key_path")" AccessDenied

expect "delete object" 204 "$(s3 DELETE "/$bucket/$key_path" "$secret")"
expect "delete bucket" 204 "$(s3 DELETE "/$bucket" "$secret")"

if ((failures)); then
  echo "s3 smoke: $failures check(s) failed against $endpoint" >&2
  exit 1
fi
echo "s3 smoke: all checks passed against $endpoint"
