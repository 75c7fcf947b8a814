#pragma once
// Hands committed events to the event sink, in outbox order, at least once: an event is
// marked sent only after the sink accepted it, so a sink outage delays events, never
// loses them.
#include "ports/conversation_store.hpp"
#include "ports/event_sink.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>

namespace conv::app {

class outbox_relay {
 public:
  outbox_relay(boost::asio::any_io_executor executor, ports::conversation_store& store,
               ports::event_sink& sink);

  // Thread-safe and cheap: wakes the relay once however often it is called meanwhile.
  void wake();
  // Runs until stop(); then publishes what is left (a bounded attempt) and returns.
  boost::asio::awaitable<void> run();
  void stop();

  std::uint64_t published_total() const { return published_.load(); }
  bool healthy() const { return healthy_.load(); }

 private:
  boost::asio::awaitable<bool> publish_batch();  // true when it published something

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  ports::conversation_store& store_;
  ports::event_sink& sink_;
  std::atomic<bool> woken_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> healthy_{true};
  std::atomic<std::uint64_t> published_{0};
};

}  // namespace conv::app
