/* Readiness probe for the MongoDB-compatible server started by scripts/services:
 * sends a real `ping` command through the libmongoc driver.
 * Usage: conv-mongo-ping URI [timeout-ms]; exit 0 when the server answered ok:1. */
#define _GNU_SOURCE 1 /* libmongoc headers need struct addrinfo */
#include <mongoc/mongoc.h>
#include <stdio.h>
#include <stdlib.h>

static void quiet_log(mongoc_log_level_t level, const char* domain, const char* message,
                      void* data) {
  (void)data;
  /* FerretDB lacks endSessions: the driver warns about it on shutdown; keep only errors */
  if (level <= MONGOC_LOG_LEVEL_ERROR) fprintf(stderr, "%s: %s\n", domain, message);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s mongodb://HOST:PORT/ [timeout-ms]\n", argv[0]);
    return 2;
  }
  const char* timeout = argc > 2 ? argv[2] : "2000";
  mongoc_init();
  mongoc_log_set_handler(quiet_log, NULL);
  bson_error_t error;
  mongoc_uri_t* uri = mongoc_uri_new_with_error(argv[1], &error);
  if (!uri) {
    fprintf(stderr, "mongo-ping: bad URI %s: %s\n", argv[1], error.message);
    mongoc_cleanup();
    return 2;
  }
  int32_t ms = (int32_t)atoi(timeout);
  mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, ms);
  mongoc_uri_set_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS, ms);
  mongoc_client_t* client = mongoc_client_new_from_uri(uri);
  int rc = 1;
  if (client) {
    mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
    bson_t* cmd = BCON_NEW("ping", BCON_INT32(1));
    bson_t reply;
    if (mongoc_client_command_simple(client, "admin", cmd, NULL, &reply, &error)) {
      char* json = bson_as_relaxed_extended_json(&reply, NULL);
      printf("%s\n", json);
      bson_free(json);
      rc = 0;
    } else {
      fprintf(stderr, "mongo-ping: %s\n", error.message);
    }
    bson_destroy(&reply);
    bson_destroy(cmd);
    mongoc_client_destroy(client);
  }
  mongoc_uri_destroy(uri);
  mongoc_cleanup();
  return rc;
}
