#!/usr/bin/env bash
# Smoke test of the Kafka broker with kcat (Debian's kafkacat): metadata, produce with an
# idempotent producer (acks=all), consume the same messages back from the beginning.
# Usage: kcat_smoke.sh [BROKERS]   (default: $CONV_KAFKA_BROKERS)
set -uo pipefail
brokers=${1:-${CONV_KAFKA_BROKERS:-}}
[[ -n "$brokers" ]] || { echo "FAIL kafka (kcat): no brokers (argument or CONV_KAFKA_BROKERS)" >&2; exit 2; }
fail() { echo "FAIL kafka (kcat): $*" >&2; exit 1; }

meta=$(kcat -b "$brokers" -L -m 10 2>&1) || fail "metadata request to $brokers: $meta"
grep -q ' brokers:' <<<"$meta" || fail "metadata from $brokers lists no broker: $meta"
echo "ok kafka (kcat) metadata"

topic="conv-smoke-kcat-$$-$(date +%s)"
sent=$(printf 'kcat message %d\n' 1 2 3)
# The topic is created on first produce (the broker runs with auto.create.topics.enable).
out=$(printf '%s\n' "$sent" | kcat -b "$brokers" -P -t "$topic" \
  -X enable.idempotence=true -X acks=all -X message.timeout.ms=30000 2>&1) ||
  fail "idempotent produce to $topic: $out"
echo "ok kafka (kcat) idempotent produce"

got=$(timeout 60 kcat -b "$brokers" -C -t "$topic" -o beginning -c 3 -e -q -f "%s\n" 2>&1) ||
  fail "consume from $topic: $got"
[[ "$got" == "$sent" ]] || fail "consumed from $topic:"$'\n'"$got"$'\n'"expected:"$'\n'"$sent"
echo "ok kafka (kcat) consumed the 3 messages in order"
echo "kafka (kcat) smoke: all checks passed against $brokers"
