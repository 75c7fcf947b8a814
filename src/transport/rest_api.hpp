#pragma once
// The REST half of the contract: routes a parsed request to its use case and maps the
// result to a response. Streaming endpoints (audio) live in audio_endpoints; the
// WebSocket upgrade in ws_session.
#include "app/conversation_service.hpp"
#include "auth/dev_tokens.hpp"
#include "common/keyed_rate_limiter.hpp"
#include "observability/metrics.hpp"
#include "transport/authenticator.hpp"
#include "transport/http_types.hpp"
#include "transport/readiness.hpp"

#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace conv::transport {

struct rest_settings {
  double requests_per_second = 20;  // per user, with a burst allowance
  double burst = 40;
  bool dev_auth = false;
  std::optional<auth::dev_token_minter> dev_tokens;  // POST /dev/token, when dev_auth is on
  std::vector<store_health> stores;                  // handed to the /readyz prober
};

struct caller {
  std::string user;
  bool is_admin = false;
};

class rest_api {
 public:
  rest_api(app::conversation_service& service, authenticator& auth,
           observability::metrics_registry& metrics, rest_settings settings);

  // `peer` is the client's address, for the budget of failed authentications.
  boost::asio::awaitable<string_response> handle(const string_request& req, std::string_view peer);

  // Shared with the streaming endpoints.
  boost::asio::awaitable<result<caller>> authenticate(const string_request::header_type& req,
                                                      std::string_view peer);
  static string_response json_response(const string_request::header_type& req, http::status status,
                                       const boost::json::value& body);
  // `body` is already JSON text.
  static string_response json_text_response(const string_request::header_type& req,
                                            http::status status, std::string body);
  static string_response error_response(const string_request::header_type& req, const error& e);

 private:
  boost::asio::awaitable<string_response> route(const string_request& req, std::string_view peer);

  app::conversation_service& service_;
  authenticator& auth_;
  observability::metrics_registry& metrics_;
  rest_settings settings_;
  keyed_rate_limiter limiter_;
  observability::counter& rate_limited_;
  readiness readiness_;
};

}  // namespace conv::transport
