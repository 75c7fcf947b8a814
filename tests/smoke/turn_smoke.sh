#!/usr/bin/env bash
# Smoke test of the TURN server (coturn, use-auth-secret) with coturn's own client:
# a STUN binding, an allocation with a TURN REST API credential made exactly as the
# service makes it (username "<expiry>:<user>", password base64(HMAC-SHA1(secret, username)))
# that relays data, and allocations refused for a wrong password and for an expired one.
# Usage: turn_smoke.sh   (reads CONV_TURN_URLS and CONV_TURN_SECRET)
set -uo pipefail
[[ -n "${CONV_TURN_URLS:-}" && -n "${CONV_TURN_SECRET:-}" ]] ||
  { echo "FAIL turn: CONV_TURN_URLS and CONV_TURN_SECRET must be set" >&2; exit 2; }
# first URL: turn:HOST:PORT?transport=...
first=${CONV_TURN_URLS%%,*}
hostport=${first#turn:}
hostport=${hostport%%\?*}
host=${hostport%:*}
port=${hostport##*:}
failures=0
fail() { echo "FAIL turn: $*" >&2; failures=$((failures + 1)); }

credential() { printf '%s' "$1" | openssl dgst -sha1 -hmac "$CONV_TURN_SECRET" -binary | base64; }
# allocate USER PASSWORD: two clients allocate and send each other messages through their
# relays (-y); prints the client's output
allocate() {
  timeout 30 turnutils_uclient -p "$port" -u "$1" -w "$2" -n 2 -m 1 -l 100 -y "$host" 2>&1
}

out=$(timeout 10 turnutils_stunclient -p "$port" "$host" 2>&1)
if grep -q 'reflexive addr' <<<"$out"; then echo "ok turn STUN binding"; else fail "STUN binding to $host:$port answered: $out"; fi

user="$(($(date +%s) + 600)):smoke"
# the summary line: "start_mclient: tot_send_msgs=N, tot_recv_msgs=M"
if out=$(allocate "$user" "$(credential "$user")") &&
  [[ "$out" =~ tot_send_msgs=([0-9]+),\ tot_recv_msgs=([0-9]+)$'\n' ]] &&
  ((BASH_REMATCH[1] > 0 && BASH_REMATCH[1] == BASH_REMATCH[2])); then
  echo "ok turn allocation with an HMAC credential relayed ${BASH_REMATCH[2]} of ${BASH_REMATCH[1]} messages"
else
  fail "allocation with a valid HMAC credential for $user: $(tail -n 5 <<<"$out")"
fi

if out=$(allocate "$user" "not-the-password"); then
  fail "allocation with a wrong password was ACCEPTED: $(tail -n 3 <<<"$out")"
elif grep -q 'Cannot complete Allocation' <<<"$out"; then
  echo "ok turn allocation with a wrong password refused"
else
  fail "allocation with a wrong password failed for another reason: $(tail -n 3 <<<"$out")"
fi

expired="$(($(date +%s) - 60)):smoke"
if out=$(allocate "$expired" "$(credential "$expired")"); then
  fail "allocation with an expired credential was ACCEPTED: $(tail -n 3 <<<"$out")"
elif grep -q 'Cannot complete Allocation' <<<"$out"; then
  echo "ok turn allocation with an expired credential refused"
else
  fail "allocation with an expired credential failed for another reason: $(tail -n 3 <<<"$out")"
fi

if ((failures)); then
  echo "turn smoke: $failures check(s) failed against $host:$port" >&2
  exit 1
fi
echo "turn smoke: all checks passed against $host:$port"
