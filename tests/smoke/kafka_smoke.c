/* Smoke test of the Kafka broker through librdkafka:
 * create a topic with the Admin API, produce messages with an idempotent producer
 * (enable.idempotence=true, acks=all) and check every delivery report, then consume
 * them back with a consumer group from the earliest offset, and delete the topic.
 * Usage: kafka_smoke [BROKERS]   (default: $CONV_KAFKA_BROKERS)
 * Exit 0 on success; every failure names the server and what it answered. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MESSAGES 5
#define TIMEOUT_MS 30000

static int failures = 0;
static int delivered = 0;
static int delivery_errors = 0;

static void fail(const char* what, const char* answer) {
  fprintf(stderr, "FAIL kafka: %s: %s\n", what, answer);
  failures++;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque) {
  (void)rk;
  (void)opaque;
  if (msg->err) {
    fprintf(stderr, "FAIL kafka: delivery report: %s\n", rd_kafka_err2str(msg->err));
    delivery_errors++;
  } else {
    delivered++;
  }
}

static rd_kafka_conf_t* base_conf(const char* brokers) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, sizeof errstr) !=
          RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "client.id", "conv-smoke", errstr, sizeof errstr) !=
          RD_KAFKA_CONF_OK) {
    fail("configuration", errstr);
  }
  return conf;
}

static int set(rd_kafka_conf_t* conf, const char* key, const char* value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fail(key, errstr);
    return 0;
  }
  return 1;
}

/* Runs one admin operation (create or delete topic) and reports its per-topic result. */
static int admin_topic(rd_kafka_t* rk, const char* topic, int create) {
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(
      rk, create ? RD_KAFKA_ADMIN_OP_CREATETOPICS : RD_KAFKA_ADMIN_OP_DELETETOPICS);
  char errstr[512];
  rd_kafka_AdminOptions_set_operation_timeout(opts, TIMEOUT_MS, errstr, sizeof errstr);
  rd_kafka_AdminOptions_set_request_timeout(opts, TIMEOUT_MS, errstr, sizeof errstr);
  rd_kafka_NewTopic_t* new_topic = NULL;
  rd_kafka_DeleteTopic_t* del_topic = NULL;
  if (create) {
    new_topic = rd_kafka_NewTopic_new(topic, 1, 1, errstr, sizeof errstr);
    if (!new_topic) {
      fail("NewTopic", errstr);
      rd_kafka_AdminOptions_destroy(opts);
      rd_kafka_queue_destroy(queue);
      return 0;
    }
    rd_kafka_CreateTopics(rk, &new_topic, 1, opts, queue);
  } else {
    del_topic = rd_kafka_DeleteTopic_new(topic);
    rd_kafka_DeleteTopics(rk, &del_topic, 1, opts, queue);
  }
  int ok = 0;
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, TIMEOUT_MS + 5000);
  const char* what = create ? "CreateTopics" : "DeleteTopics";
  if (!ev) {
    fail(what, "no answer within the timeout");
  } else if (rd_kafka_event_error(ev)) {
    fail(what, rd_kafka_event_error_string(ev));
  } else {
    const rd_kafka_topic_result_t** results;
    size_t n = 0;
    if (create)
      results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    else
      results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
    if (n != 1) {
      fail(what, "unexpected number of topic results");
    } else if (rd_kafka_topic_result_error(results[0])) {
      char buf[512];
      snprintf(buf, sizeof buf, "%s: %s",
               rd_kafka_err2name(rd_kafka_topic_result_error(results[0])),
               rd_kafka_topic_result_error_string(results[0])
                   ? rd_kafka_topic_result_error_string(results[0])
                   : "");
      fail(what, buf);
    } else {
      ok = 1;
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  if (new_topic) rd_kafka_NewTopic_destroy(new_topic);
  if (del_topic) rd_kafka_DeleteTopic_destroy(del_topic);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(queue);
  return ok;
}

int main(int argc, char** argv) {
  const char* brokers = argc > 1 ? argv[1] : getenv("CONV_KAFKA_BROKERS");
  if (!brokers || !*brokers) {
    fprintf(stderr, "FAIL kafka: no brokers (pass one or set CONV_KAFKA_BROKERS)\n");
    return 2;
  }
  char topic[96], group[128], errstr[512];
  snprintf(topic, sizeof topic, "conv-smoke-%ld-%ld", (long)getpid(), (long)time(NULL));
  snprintf(group, sizeof group, "%s-group", topic);

  /* producer: also used as the admin client */
  rd_kafka_conf_t* pconf = base_conf(brokers);
  set(pconf, "enable.idempotence", "true");
  set(pconf, "acks", "all");
  set(pconf, "message.timeout.ms", "30000");
  rd_kafka_conf_set_dr_msg_cb(pconf, on_delivery);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, errstr, sizeof errstr);
  if (!producer) {
    fail("create producer", errstr);
    return 1;
  }

  if (!admin_topic(producer, topic, 1)) {
    rd_kafka_destroy(producer);
    fprintf(stderr, "kafka smoke: cannot create topic %s on %s\n", topic, brokers);
    return 1;
  }
  printf("ok kafka CreateTopics %s\n", topic);

  for (int i = 0; i < MESSAGES; i++) {
    char key[32], value[64];
    snprintf(key, sizeof key, "k%d", i);
    snprintf(value, sizeof value, "smoke message %d", i);
    rd_kafka_resp_err_t err;
    long long deadline = now_ms() + TIMEOUT_MS;
    do {
      err = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, strlen(key)),
                              RD_KAFKA_V_VALUE(value, strlen(value)),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(producer, 100);
    } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && now_ms() < deadline);
    if (err) fail("produce", rd_kafka_err2str(err));
  }
  rd_kafka_resp_err_t ferr = rd_kafka_flush(producer, TIMEOUT_MS);
  if (ferr) fail("flush", rd_kafka_err2str(ferr));
  {
    rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(producer, errstr, sizeof errstr);
    if (fatal) fail("idempotent producer fatal error", errstr);
  }
  if (delivered == MESSAGES && !delivery_errors)
    printf("ok kafka idempotent produce: %d messages acknowledged\n", delivered);
  else {
    char buf[128];
    snprintf(buf, sizeof buf, "%d of %d delivered, %d errors, %d still queued", delivered, MESSAGES,
             delivery_errors, rd_kafka_outq_len(producer));
    fail("produce", buf);
  }

  /* consumer group reading from the beginning */
  rd_kafka_conf_t* cconf = base_conf(brokers);
  set(cconf, "group.id", group);
  set(cconf, "auto.offset.reset", "earliest");
  set(cconf, "enable.auto.offset.store", "false");
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cconf, errstr, sizeof errstr);
  if (!consumer) {
    fail("create consumer", errstr);
  } else {
    rd_kafka_poll_set_consumer(consumer);
    rd_kafka_topic_partition_list_t* subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t serr = rd_kafka_subscribe(consumer, subs);
    rd_kafka_topic_partition_list_destroy(subs);
    if (serr) fail("subscribe", rd_kafka_err2str(serr));
    int got = 0, in_order = 1;
    long long deadline = now_ms() + TIMEOUT_MS;
    while (!serr && got < MESSAGES && now_ms() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 500);
      if (!m) continue;
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      } else if (m->err) {
        fail("consume", rd_kafka_message_errstr(m));
      } else {
        char want[64];
        snprintf(want, sizeof want, "smoke message %d", got);
        if (m->len != strlen(want) || memcmp(m->payload, want, m->len) != 0) {
          in_order = 0;
          fprintf(stderr, "FAIL kafka: consumed \"%.*s\" at offset %lld, expected \"%s\"\n",
                  (int)m->len, (const char*)m->payload, (long long)m->offset, want);
        }
        /* at-least-once: store the offset after processing, commit below */
        rd_kafka_topic_partition_list_t* pos = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(pos, topic, m->partition)->offset = m->offset + 1;
        rd_kafka_resp_err_t oerr = rd_kafka_offsets_store(consumer, pos);
        if (oerr) fail("offsets_store", rd_kafka_err2str(oerr));
        rd_kafka_topic_partition_list_destroy(pos);
        got++;
      }
      rd_kafka_message_destroy(m);
    }
    if (got == MESSAGES && in_order)
      printf("ok kafka consumer group read back %d messages in order\n", got);
    else {
      char buf[128];
      snprintf(buf, sizeof buf, "read %d of %d messages (in order: %s) within %d ms", got, MESSAGES,
               in_order ? "yes" : "no", TIMEOUT_MS);
      fail("consume", buf);
    }
    if (got) {
      rd_kafka_resp_err_t cerr = rd_kafka_commit(consumer, NULL, 0);
      if (cerr)
        fail("commit offsets", rd_kafka_err2str(cerr));
      else
        printf("ok kafka offsets committed\n");
    }
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
  }

  if (admin_topic(producer, topic, 0)) printf("ok kafka DeleteTopics %s\n", topic);
  rd_kafka_destroy(producer);

  if (failures) {
    fprintf(stderr, "kafka smoke: %d check(s) failed against %s\n", failures, brokers);
    return 1;
  }
  printf("kafka smoke: all checks passed against %s\n", brokers);
  return 0;
}
