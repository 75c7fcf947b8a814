#include "transport/response_writer.hpp"

#include "transport/http_date.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>

namespace conv::transport {

asio::awaitable<boost::system::error_code> write_response(beast::tcp_stream& stream,
                                                          string_response& res, bool head_only) {
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  stamp_date(res);
  if (!head_only) {
    auto [ec, n] = co_await http::async_write(stream, res, use_tuple);
    co_return ec;
  }
  http::response_serializer<http::string_body> header_only{res};
  auto [ec, n] = co_await http::async_write_header(stream, header_only, use_tuple);
  co_return ec;
}

}  // namespace conv::transport
