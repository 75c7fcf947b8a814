#pragma once
// Who is connected to this instance, and delivery to them.
//
// A user has at most one live connection: attaching a second replaces (and closes with
// 4000) the first. Messages for a user with no connection are held, bounded in count, bytes
// and age, and delivered in order when the user connects again.
//
// Thread-safety: called from every I/O thread. The maps are sharded under small mutexes
// because each operation is a hash lookup plus a push onto the connection's own queue; the
// socket work itself happens on the connection's executor (connection_sink::push posts).
#include "app/outbound_message.hpp"

#include <boost/container/devector.hpp>
#include "common/time.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace conv::app {

// One client's socket, as the hub sees it. Implemented by the WebSocket transport.
class connection_sink {
 public:
  virtual ~connection_sink() = default;
  // Queues the message for the socket; never blocks. False when the connection is gone.
  virtual bool push(outbound_message message) = 0;
  // Closes the socket with a WebSocket close code after what is already queued.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

struct held_limits {
  std::size_t max_messages = 256;
  std::size_t max_bytes = 256 * 1024;
  std::chrono::milliseconds max_age{30'000};
};

// Numbers connections in the order their handshakes arrived. 32 bits, compared across
// wrap-around: only two connections of one user, opened moments apart, are ever compared.
using connection_order = std::uint32_t;
inline bool is_newer(connection_order a, connection_order b) {
  return static_cast<std::int32_t>(a - b) > 0;
}

class presence_hub {
 public:
  explicit presence_hub(held_limits limits) : limits_(limits) {}

  enum class attached { first, replacing, stale };
  // Makes `sink` the user's connection, closing any previous one with 4000, then delivers
  // what was held for the user. `order` says which connection is the newer one: the order
  // their handshakes arrived in, which is not always the order they get here (two I/O
  // threads). A connection older than the one attached is `stale`: closed with 4000 at once.
  attached attach(const std::string& user, std::shared_ptr<connection_sink> sink, timestamp now,
                  connection_order order);
  // Forgets `sink` if it is still the user's connection; true when it was.
  bool detach(const std::string& user, const connection_sink* sink);
  // Whose message it is. Relayed signaling is held within the count and byte limits (a
  // partner cannot make the service hold more); the service's own messages (match-found,
  // session-*, match-timeout, peer-status) are held whatever was relayed before them: they
  // are few per session, and a participant who misses session-ended never learns the call
  // ended. Every held message goes after the age limit.
  enum class origin { service, relayed };
  // Delivers to the user's connection, or holds the message.
  void send(const std::string& user, outbound_message message, timestamp now,
            origin from = origin::service);
  bool is_online(const std::string& user) const;
  // Closes the user's connection (e.g. the user was banned).
  void disconnect(const std::string& user, std::uint16_t code, std::string_view reason);
  // Drops held messages older than the age limit, for every user: a user who never comes
  // back would otherwise keep theirs for good (they are aged only as new ones arrive).
  void drop_expired(timestamp now);

  std::size_t online_count() const;
  std::size_t held_users() const;  // offline users with messages held for them
  std::size_t held_dropped_total() const { return held_dropped_.load(); }

 private:
  struct held_message {
    timestamp at;
    outbound_message message;
  };
  // What is held for an offline user; allocated only while something is held.
  struct held_queue {
    // Not a std::deque: that allocates a 512-byte block up front.
    boost::container::devector<held_message> messages;
    std::size_t bytes = 0;
  };
  struct user_entry {
    std::shared_ptr<connection_sink> sink;
    connection_order order = 0;  // of `sink`
    std::unique_ptr<held_queue> held;
  };
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, user_entry> users;
  };
  shard& shard_of(std::string_view user) const;
  void hold(user_entry& entry, outbound_message message, timestamp now, origin from);
  // Drops the messages older than the age limit from the front of `held`.
  void drop_aged(held_queue& held, timestamp now) const;
  // Users whose entry satisfies `which` (for the gauges; walks every shard).
  std::size_t count_users(const std::function<bool(const user_entry&)>& which) const;

  held_limits limits_;
  static constexpr std::size_t shard_count = 64;
  mutable std::array<shard, shard_count> shards_;
  std::atomic<std::size_t> held_dropped_{0};
};

}  // namespace conv::app
