#pragma once
// Every port returns Asio awaitables: adapters that block (SQLite, libmongoc, libcurl) run on
// their own bounded pool and resume the caller on its executor; use cases never see a thread.
#include "common/error.hpp"

#include <boost/asio/awaitable.hpp>

namespace conv::ports {

template <class T>
using task = boost::asio::awaitable<result<T>>;

}  // namespace conv::ports
