#pragma once
// Runs an awaitable to completion on a private io_context, for tests of async ports.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <utility>

namespace conv::testing {

template <class Awaitable>
auto run_task(Awaitable task) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  return future.get();
}

}  // namespace conv::testing
