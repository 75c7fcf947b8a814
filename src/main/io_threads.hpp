#pragma once
// The service's I/O threads: one io_context per thread. Each connection is placed on one of
// them when accepted and all its handlers run on that thread, so a connection needs no
// strand and its work never bounces between threads; what concerns several connections
// (a relay to a partner on another thread) is posted to the other's context.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <vector>

namespace conv {

class io_threads {
 public:
  explicit io_threads(unsigned count) {
    for (unsigned i = 0; i < std::max(1u, count); ++i) {
      contexts_.push_back(std::make_unique<context>());
      guards_.push_back(boost::asio::make_work_guard(*contexts_.back()));
    }
  }

  // Where the service's own work runs (timers, startup, shutdown); it also takes connections.
  boost::asio::io_context& main() { return *contexts_.front(); }
  std::vector<boost::asio::io_context*> all() {
    std::vector<boost::asio::io_context*> out;
    for (auto& c : contexts_)
      out.push_back(c.get());
    return out;
  }

  // Runs every context, the first on the calling thread, until stop().
  void run() {
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < contexts_.size(); ++i)
      threads.emplace_back([c = contexts_[i].get()] { c->run(); });
    contexts_.front()->run();
    for (auto& t : threads)
      t.join();
  }

  void stop() {
    for (auto& c : contexts_)
      c->stop();
  }

  // Call once run() has returned: destroys every handler still waiting, while the objects
  // they refer to still exist (a plain io_context does it in its destructor, after them).
  void destroy_pending_handlers() {
    guards_.clear();
    for (auto& c : contexts_)
      c->destroy_pending_handlers();
  }

 private:
  class context : public boost::asio::io_context {
   public:
    context() : boost::asio::io_context(1) {}  // run by one thread
    void destroy_pending_handlers() { shutdown(); }
  };
  std::vector<std::unique_ptr<context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
};

}  // namespace conv
