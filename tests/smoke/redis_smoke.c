/* Smoke test of the Redis server through hiredis, the client the service will use:
 * PING, EVAL of a Lua script that writes and reads back a key, SCRIPT LOAD + EVALSHA,
 * and a script error reported as an error reply (not a dropped connection).
 * Usage: redis_smoke [URL]   (default: $CONV_REDIS_URL, redis://HOST:PORT[/DB])
 * Exit 0 on success; every failure names the server and what it answered. */
#define _POSIX_C_SOURCE 200809L
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;

static const char* describe(const redisReply* r, char* buf, size_t n) {
  if (!r) return "no reply (connection lost)";
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      snprintf(buf, n, "%s \"%.*s\"",
               r->type == REDIS_REPLY_ERROR    ? "error"
               : r->type == REDIS_REPLY_STATUS ? "status"
                                               : "string",
               (int)r->len, r->str);
      break;
    case REDIS_REPLY_INTEGER:
      snprintf(buf, n, "integer %lld", r->integer);
      break;
    case REDIS_REPLY_NIL:
      snprintf(buf, n, "nil");
      break;
    default:
      snprintf(buf, n, "reply of type %d", r->type);
      break;
  }
  return buf;
}

static void check(int ok, const char* what, const redisReply* r) {
  char buf[256];
  if (ok) {
    printf("ok redis %s\n", what);
  } else {
    fprintf(stderr, "FAIL redis: %s: answered %s\n", what, describe(r, buf, sizeof buf));
    failures++;
  }
}

static int is_string(const redisReply* r, const char* want) {
  return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) &&
         r->len == strlen(want) && memcmp(r->str, want, r->len) == 0;
}

int main(int argc, char** argv) {
  const char* url = argc > 1 ? argv[1] : getenv("CONV_REDIS_URL");
  char host[256];
  int port = 0, db = 0;
  if (!url || sscanf(url, "redis://%255[^:/]:%d/%d", host, &port, &db) < 2) {
    fprintf(stderr,
            "FAIL redis: no usable URL (got \"%s\"; want redis://HOST:PORT[/DB] "
            "as an argument or in CONV_REDIS_URL)\n",
            url ? url : "");
    return 2;
  }
  struct timeval timeout = {5, 0};
  redisContext* c = redisConnectWithTimeout(host, port, timeout);
  if (!c || c->err) {
    fprintf(stderr, "FAIL redis: connect to %s:%d: %s\n", host, port,
            c ? c->errstr : "out of memory");
    redisFree(c);
    return 1;
  }
  redisSetTimeout(c, timeout);

  redisReply* r = redisCommand(c, "PING");
  check(r && r->type == REDIS_REPLY_STATUS && is_string(r, "PONG"), "PING", r);
  freeReplyObject(r);

  r = redisCommand(c, "SELECT %d", db);
  check(is_string(r, "OK"), "SELECT", r);
  freeReplyObject(r);

  char key[64];
  snprintf(key, sizeof key, "conv-smoke:%ld:%ld", (long)getpid(), (long)time(NULL));
  const char* script =
      "redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000) "
      "return {redis.call('GET', KEYS[1]), redis.call('INCR', KEYS[1] .. ':n')}";
  r = redisCommand(c, "EVAL %s 1 %s %s", script, key, "hello");
  check(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
            is_string(r->element[0], "hello") && r->element[1]->type == REDIS_REPLY_INTEGER &&
            r->element[1]->integer == 1,
        "EVAL (SET, GET, INCR in one script)",
        r && r->type == REDIS_REPLY_ARRAY && r->elements ? r->element[0] : r);
  freeReplyObject(r);

  r = redisCommand(c, "SCRIPT LOAD %s", "return redis.call('INCR', KEYS[1] .. ':n')");
  int loaded = r && r->type == REDIS_REPLY_STRING && r->len == 40;
  check(loaded, "SCRIPT LOAD", r);
  char sha[41] = {0};
  if (loaded) memcpy(sha, r->str, 40);
  freeReplyObject(r);
  if (loaded) {
    r = redisCommand(c, "EVALSHA %s 1 %s", sha, key);
    check(r && r->type == REDIS_REPLY_INTEGER && r->integer == 2, "EVALSHA", r);
    freeReplyObject(r);
  }

  r = redisCommand(c, "EVAL %s 0", "return redis.call('NO-SUCH-COMMAND')");
  check(r && r->type == REDIS_REPLY_ERROR, "EVAL of a failing script answers an error reply", r);
  freeReplyObject(r);

  r = redisCommand(c, "DEL %s %s:n", key, key);
  check(r && r->type == REDIS_REPLY_INTEGER && r->integer == 2, "DEL", r);
  freeReplyObject(r);

  redisFree(c);
  if (failures) {
    fprintf(stderr, "redis smoke: %d check(s) failed against %s\n", failures, url);
    return 1;
  }
  printf("redis smoke: all checks passed against %s\n", url);
  return 0;
}
