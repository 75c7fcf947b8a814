#include "transport/http_date.hpp"

#include <chrono>
#include <ctime>
#include <string>

namespace conv::transport {

void stamp_date(boost::beast::http::fields& response) {
  // The text changes once a second: formatted then, per thread, not per response.
  thread_local std::time_t formatted_at = 0;
  thread_local std::string text;
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != formatted_at) {
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char buffer[32];
    text.assign(buffer, std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc));
    formatted_at = now;
  }
  response.set(boost::beast::http::field::date, text);
}

}  // namespace conv::transport
