#include "app/outbox_relay.hpp"

#include "observability/logging.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace conv::app {
namespace {
const auto& log() {
  static const auto logger = observability::module_logger("outbox");
  return logger;
}
constexpr std::size_t batch_size = 500;
}  // namespace

outbox_relay::outbox_relay(boost::asio::any_io_executor executor, ports::conversation_store& store,
                           ports::event_sink& sink)
    : strand_(boost::asio::make_strand(executor)), timer_(strand_), store_(store), sink_(sink) {}

void outbox_relay::wake() {
  if (woken_.exchange(true)) return;
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

void outbox_relay::stop() {
  stopping_ = true;
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

boost::asio::awaitable<bool> outbox_relay::publish_batch() {
  auto pending = co_await store_.unsent_events(batch_size);
  if (!pending) throw std::runtime_error(pending.error().message);
  if (pending->empty()) co_return false;
  std::vector<domain::event> events;
  std::vector<std::int64_t> sequences;
  for (auto& e : *pending) {
    sequences.push_back(e.sequence);
    events.push_back(std::move(e.event));
  }
  auto published = co_await sink_.publish(std::move(events));
  if (!published) throw std::runtime_error(published.error().message);
  auto marked = co_await store_.mark_sent(std::move(sequences));
  if (!marked) throw std::runtime_error(marked.error().message);
  published_ += pending->size();
  co_return true;
}

boost::asio::awaitable<void> outbox_relay::run() {
  co_await boost::asio::post(strand_, boost::asio::use_awaitable);
  auto backoff = std::chrono::milliseconds(100);
  while (true) {
    woken_ = false;
    bool more = false;
    std::string failure;
    try {
      more = co_await publish_batch();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (failure.empty()) {
      if (!healthy_.exchange(true)) log()->info("events flow again");
      backoff = std::chrono::milliseconds(100);
    } else {
      if (healthy_.exchange(false)) log()->warn("events are delayed: {}", failure);
      if (stopping_) co_return;
      timer_.expires_after(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      boost::system::error_code ec;
      co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      continue;
    }
    if (more) continue;
    if (stopping_) co_return;
    if (woken_) continue;
    // Sleep until woken; the periodic look also picks up events other instances wrote.
    timer_.expires_after(std::chrono::seconds(1));
    boost::system::error_code ec;
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
}

}  // namespace conv::app
