// The floor under the relay figure: what this machine's kernel charges a server for relaying
// one message over loopback TCP when the server does nothing else — one recv() and one send()
// per message, a single thread, level-triggered epoll. No WebSocket framing, no JSON, no
// checks. `bench/run relay` reports the real service's cost per message; this program says
// how much of it no user-space design on kernel TCP can remove.
//
// Shape of the measurement (as `bench/run relay`): PAIRS pairs of client connections; each
// message from one client of a pair is relayed to the other, which sends it back. Clients run
// in a child process; the figure is the server process's CPU time per relayed message.
//
// A server's cost per message depends on how busy it is: when messages come slowly it
// sleeps in epoll_wait and is woken for nearly each one, which costs more than the recv and
// send. `relay_floor [µs]` makes the clients spend that much CPU on each message they answer,
// so that they drive the relay at about the rate the Go load generator drives the service
// (7 µs gives about 85,000 messages/s here, as `bench/run relay`).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { PAIRS = 200, MESSAGE_BYTES = 160, WARMUP = 200000, MEASURED = 1000000 };

static void die(const char* what) {
  perror(what);
  exit(1);
}

static double seconds(struct timeval t) {
  return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static void watch(int epoll, int fd, unsigned index) {
  struct epoll_event e = {.events = EPOLLIN, .data.u32 = index};
  if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &e) != 0) die("epoll_ctl");
}

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

// Busy work, not sleep: a sleeping client would wake the relay as rarely as it likes.
static void spin(long ns) {
  for (const long until = now_ns() + ns; ns > 0 && now_ns() < until;) {
  }
}

// The clients: every message that arrives goes back where it came from.
static void run_clients(const struct sockaddr_in* server, long work_ns) {
  int fds[2 * PAIRS];
  const int epoll = epoll_create1(0);
  const int one = 1;
  for (unsigned i = 0; i < 2 * PAIRS; ++i) {
    fds[i] = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fds[i], (const struct sockaddr*)server, sizeof *server) != 0) die("connect");
    watch(epoll, fds[i], i);
  }
  char message[MESSAGE_BYTES];
  memset(message, 'x', sizeof message);
  for (unsigned p = 0; p < PAIRS; ++p)
    if (send(fds[2 * p], message, sizeof message, 0) < 0) die("send");
  static char buffer[65536];
  struct epoll_event events[256];
  for (;;) {
    const int n = epoll_wait(epoll, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = fds[events[i].data.u32];
      const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) exit(0);
      spin(work_ns);
      if (send(fd, buffer, (size_t)got, 0) < 0) exit(0);
    }
  }
}

int main(int argc, char** argv) {
  const long work_ns = argc > 1 ? (long)(atof(argv[1]) * 1000) : 0;
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t length = sizeof address;
  if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0 ||
      listen(listener, 2 * PAIRS) != 0 ||
      getsockname(listener, (struct sockaddr*)&address, &length) != 0)
    die("listen");

  const pid_t clients = fork();
  if (clients < 0) die("fork");
  if (clients == 0) run_clients(&address, work_ns);

  // Connection 2p and 2p+1 form pair p: the clients connect in order, one at a time.
  int fds[2 * PAIRS];
  const int epoll = epoll_create1(0);
  const int one = 1;
  for (unsigned i = 0; i < 2 * PAIRS; ++i) {
    fds[i] = accept(listener, NULL, NULL);
    if (fds[i] < 0) die("accept");
    setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    watch(epoll, fds[i], i);
  }

  static char buffer[65536];
  struct epoll_event events[256];
  long relayed = 0;
  struct rusage before;
  struct timespec start;
  for (int measuring = 0;;) {
    const int n = epoll_wait(epoll, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      const unsigned from = events[i].data.u32;
      const ssize_t got = recv(fds[from], buffer, sizeof buffer, 0);
      if (got <= 0) die("recv");
      if (send(fds[from ^ 1u], buffer, (size_t)got, 0) < 0) die("send");
      ++relayed;
    }
    if (!measuring && relayed >= WARMUP) {
      measuring = 1;
      relayed = 0;
      getrusage(RUSAGE_SELF, &before);
      clock_gettime(CLOCK_MONOTONIC, &start);
    } else if (measuring && relayed >= MEASURED) {
      break;
    }
  }
  struct rusage after;
  struct timespec end;
  getrusage(RUSAGE_SELF, &after);
  clock_gettime(CLOCK_MONOTONIC, &end);
  kill(clients, SIGKILL);
  waitpid(clients, NULL, 0);

  const double user = seconds(after.ru_utime) - seconds(before.ru_utime);
  const double kernel = seconds(after.ru_stime) - seconds(before.ru_stime);
  const double elapsed =
      (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
  const double us = 1e6 / (double)relayed;
  printf(
      "relay floor: %d pairs, clients' work %.1f µs per message, %ld messages, %.0f msg/s; a "
      "bare epoll relay's CPU %.2f µs per message (user %.2f, kernel %.2f)\n",
      PAIRS, (double)work_ns / 1000, relayed, (double)relayed / elapsed, (user + kernel) * us,
      user * us, kernel * us);
  printf(
      "{\"scenario\":\"relay-floor\",\"pairs\":%d,\"client_work_us\":%.1f,"
      "\"messages_per_s\":%.0f,\"cpu_us_per_message\":%.2f,\"kernel_us_per_message\":%.2f}\n",
      PAIRS, (double)work_ns / 1000, (double)relayed / elapsed, (user + kernel) * us, kernel * us);
  return 0;
}
