/* Smoke test of the MongoDB-compatible server (FerretDB) through the libmongoc C driver:
 * ping, unique index creation, insert, find, and a duplicate key (E11000) refused.
 * Usage: mongo_smoke [URI]   (default: $CONV_MONGO_URI)
 * Exit 0 on success; every failure names the server and what it answered. */
#define _GNU_SOURCE 1 /* libmongoc headers need struct addrinfo */
#include <mongoc/mongoc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;

static void quiet_log(mongoc_log_level_t level, const char* domain, const char* message,
                      void* data) {
  (void)data;
  /* FerretDB has no endSessions: the driver warns on shutdown; keep only errors */
  if (level <= MONGOC_LOG_LEVEL_ERROR) fprintf(stderr, "mongoc %s: %s\n", domain, message);
}

static void fail(const char* what, const bson_error_t* error, const bson_t* reply) {
  char* json = reply ? bson_as_relaxed_extended_json(reply, NULL) : NULL;
  fprintf(stderr, "FAIL mongo (FerretDB): %s: error domain=%u code=%u message=\"%s\" reply=%s\n",
          what, error ? error->domain : 0, error ? error->code : 0, error ? error->message : "",
          json ? json : "(none)");
  bson_free(json);
  failures++;
}

int main(int argc, char** argv) {
  const char* uri_text = argc > 1 ? argv[1] : getenv("CONV_MONGO_URI");
  if (!uri_text || !*uri_text) {
    fprintf(stderr, "FAIL mongo: no URI (pass one or set CONV_MONGO_URI)\n");
    return 2;
  }
  mongoc_init();
  mongoc_log_set_handler(quiet_log, NULL);

  bson_error_t error;
  mongoc_uri_t* uri = mongoc_uri_new_with_error(uri_text, &error);
  if (!uri) {
    fail("parse URI", &error, NULL);
    mongoc_cleanup();
    return 1;
  }
  mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 5000);
  mongoc_client_t* client = mongoc_client_new_from_uri(uri);
  mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
  mongoc_client_set_appname(client, "conv-smoke");

  char coll_name[64];
  snprintf(coll_name, sizeof coll_name, "smoke_%ld_%ld", (long)getpid(), (long)time(NULL));
  mongoc_collection_t* coll = mongoc_client_get_collection(client, "conv_smoke", coll_name);

  bson_t reply;
  /* 1. ping */
  {
    bson_t* cmd = BCON_NEW("ping", BCON_INT32(1));
    if (!mongoc_client_command_simple(client, "admin", cmd, NULL, &reply, &error))
      fail("ping", &error, &reply);
    else
      printf("ok mongo ping\n");
    bson_destroy(&reply);
    bson_destroy(cmd);
  }
  /* 2. unique index on "key" (createIndexes command: libmongoc 1.23 has no index-model API) */
  {
    bson_t* cmd = BCON_NEW("createIndexes", BCON_UTF8(coll_name), "indexes", "[", "{", "key", "{",
                           "key", BCON_INT32(1), "}", "name", BCON_UTF8("key_unique"), "unique",
                           BCON_BOOL(true), "}", "]");
    if (!mongoc_collection_write_command_with_opts(coll, cmd, NULL, &reply, &error))
      fail("createIndexes {key:1} unique", &error, &reply);
    else
      printf("ok mongo createIndexes unique\n");
    bson_destroy(&reply);
    bson_destroy(cmd);
  }
  /* 3. insert */
  {
    bson_t* doc = BCON_NEW("key", BCON_UTF8("alpha"), "n", BCON_INT32(42));
    if (!mongoc_collection_insert_one(coll, doc, NULL, &reply, &error))
      fail("insert {key:'alpha', n:42}", &error, &reply);
    else
      printf("ok mongo insert\n");
    bson_destroy(&reply);
    bson_destroy(doc);
  }
  /* 4. find it back */
  {
    bson_t* filter = BCON_NEW("key", BCON_UTF8("alpha"));
    mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(coll, filter, NULL, NULL);
    const bson_t* found = NULL;
    int count = 0, n = -1;
    while (mongoc_cursor_next(cursor, &found)) {
      bson_iter_t it;
      if (bson_iter_init_find(&it, found, "n") && BSON_ITER_HOLDS_INT32(&it))
        n = bson_iter_int32(&it);
      count++;
    }
    const bson_t* err_doc = NULL;
    if (mongoc_cursor_error_document(cursor, &error, &err_doc))
      fail("find {key:'alpha'}", &error, err_doc);
    else if (count != 1 || n != 42) {
      fprintf(
          stderr,
          "FAIL mongo (FerretDB): find {key:'alpha'} returned %d documents, n=%d (want 1, 42)\n",
          count, n);
      failures++;
    } else
      printf("ok mongo find\n");
    mongoc_cursor_destroy(cursor);
    bson_destroy(filter);
  }
  /* 5. duplicate key must be refused with E11000 */
  {
    bson_t* doc = BCON_NEW("key", BCON_UTF8("alpha"), "n", BCON_INT32(43));
    bool ok = mongoc_collection_insert_one(coll, doc, NULL, &reply, &error);
    if (ok) {
      fail("duplicate insert {key:'alpha'} was ACCEPTED despite the unique index", NULL, &reply);
    } else if (error.code != 11000) {
      fail("duplicate insert: expected error code 11000 (duplicate key)", &error, &reply);
    } else
      printf("ok mongo unique index violation refused (code %u: %s)\n", error.code, error.message);
    bson_destroy(&reply);
    bson_destroy(doc);
  }
  /* clean up: drop the scratch collection */
  if (!mongoc_collection_drop(coll, &error)) fail("drop scratch collection", &error, NULL);

  mongoc_collection_destroy(coll);
  mongoc_client_destroy(client);
  mongoc_uri_destroy(uri);
  mongoc_cleanup();
  if (failures) {
    fprintf(stderr, "mongo smoke: %d check(s) failed against %s\n", failures, uri_text);
    return 1;
  }
  printf("mongo smoke: all checks passed against %s\n", uri_text);
  return 0;
}
