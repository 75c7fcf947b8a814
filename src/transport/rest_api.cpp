#include "transport/rest_api.hpp"
#include "common/repeated_keys.hpp"

#include "auth/jwt_verifier.hpp"
#include "domain/body_reader.hpp"
#include "domain/validation.hpp"
#include "observability/log_throttle.hpp"
#include "observability/logging.hpp"
#include "transport/error_mapping.hpp"
#include "transport/openapi_document.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace conv::transport {
namespace {

const auto& log() {
  static const auto logger = observability::module_logger("rest");
  return logger;
}

// A store that is down fails every request that needs it: one line now and then, with a
// count, says so without a line per request. A 500 is a bug: each one is logged.
void log_failure(const error& e) {
  if (e.code == errc::internal) {
    log()->error("answering 500: {}", e.message);
  } else if (e.code == errc::service_unavailable) {
    static observability::log_throttle throttle(std::chrono::seconds(10));
    if (auto unlogged = throttle.admit(std::chrono::steady_clock::now()))
      log()->warn("answering 503: {} ({} more since the last such line)", e.message, *unlogged);
  }
}

namespace json = boost::json;

constexpr std::size_t max_json_depth = 32;

result<json::value> parse_body(const string_request& req) {
  if (req.body().empty()) return json::value(json::object{});
  json::parse_options options;
  options.max_depth = max_json_depth;
  boost::system::error_code ec;
  auto v = json::parse(req.body(), ec, {}, options);
  if (ec) return make_error(errc::malformed_json, "the body is not valid JSON: " + ec.message());
  // Boost.JSON keeps the last of two values under one key: refused instead, as on the
  // WebSocket (common/repeated_keys.hpp). REST bodies are flat objects, so their own keys
  // are all there is to check.
  if (v.is_object() && repeats_a_top_level_key(req.body()))
    return make_error(errc::validation_failed, "the body may not repeat a key");
  return v;
}

// The path split on '/', without the leading empty segment.
std::vector<std::string> segments_of(const boost::urls::url_view& url) {
  std::vector<std::string> out;
  for (auto s : url.segments())
    out.emplace_back(s);
  return out;
}

// A parameter given empty (`?language=&level=B1`, as a form with a blank field sends it) is
// one not given: every filter and the cursor treat it alike. When a parameter repeats, its
// first value counts.
std::optional<std::string> query_param(const boost::urls::url_view& url, std::string_view key) {
  auto it = url.params().find(key);
  if (it == url.params().end() || (*it).value.empty()) return std::nullopt;
  return std::string((*it).value);
}

result<std::size_t> limit_param(const boost::urls::url_view& url, std::size_t fallback,
                                std::size_t max) {
  auto v = query_param(url, "limit");
  if (!v) return fallback;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || end != v->data() + v->size() || n < 1 || n > max)
    return error{errc::validation_failed,
                 "invalid query parameter",
                 {{"limit", "must be an integer from 1 to " + std::to_string(max)}}};
  return n;
}

// Whether a Host header names the server as localhost or by an IP address rather than by a
// DNS name. Any web page can point its own name at 127.0.0.1 (DNS rebinding) and call a
// development server under it as its own origin: dev tokens only answer requests addressed
// by address or as localhost.
bool addressed_by_address(std::string_view host) {
  if (host.starts_with('[')) {
    const auto end = host.find(']');
    if (end == std::string_view::npos) return false;
    host = host.substr(1, end - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (boost::beast::iequals(host, "localhost")) return true;
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

json::value optional_text(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

error method_not_allowed() {
  return make_error(errc::not_found, "no such route for this method");
}

// What message::keep_alive() says, for a header alone (streamed requests have no message yet).
bool wants_keep_alive(const string_request::header_type& h) {
  http::token_list connection{h[http::field::connection]};
  if (h.version() >= 11) return !connection.exists("close");
  return connection.exists("keep-alive");
}

}  // namespace

rest_api::rest_api(app::conversation_service& service, authenticator& auth,
                   observability::metrics_registry& metrics, rest_settings settings)
    : service_(service),
      auth_(auth),
      metrics_(metrics),
      settings_(std::move(settings)),
      limiter_(settings_.requests_per_second, settings_.burst),
      rate_limited_(metrics.add_counter("conv_http_rate_limited_total",
                                        "REST requests refused with RATE_LIMITED")),
      readiness_(std::move(settings_.stores)) {}

string_response rest_api::json_response(const string_request::header_type& req, http::status status,
                                        const json::value& body) {
  return json_text_response(req, status, json::serialize(body));
}

string_response rest_api::json_text_response(const string_request::header_type& req,
                                             http::status status, std::string body) {
  string_response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(wants_keep_alive(req));
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

string_response rest_api::error_response(const string_request::header_type& req, const error& e) {
  log_failure(e);
  auto res = closing_error_response(req.version(), e);
  res.set(http::field::cache_control, "no-store");
  if (e.code == errc::unauthorized) res.set(http::field::www_authenticate, "Bearer");
  res.keep_alive(wants_keep_alive(req));
  return res;
}

boost::asio::awaitable<result<caller>> rest_api::authenticate(
    const string_request::header_type& req, std::string_view peer) {
  auto header = req[http::field::authorization];
  auto token = bearer_token(header);
  if (!token) co_return make_error(errc::unauthorized, "a Bearer token is required");
  auto claims = co_await auth_.authenticate(*token, peer);
  if (!claims) co_return claims.error();
  if (!limiter_.allow(claims->subject, std::chrono::steady_clock::now())) {
    rate_limited_.inc();
    co_return make_error(errc::rate_limited, "slow down: too many requests");
  }
  co_return caller{claims->subject, claims->is_admin()};
}

boost::asio::awaitable<string_response> rest_api::handle(const string_request& req,
                                                         std::string_view peer) {
  co_return co_await route(req, peer);
}

boost::asio::awaitable<string_response> rest_api::route(const string_request& req,
                                                        std::string_view peer) {
  auto parsed = boost::urls::parse_origin_form(req.target());
  if (!parsed)
    co_return error_response(
        req, make_error(errc::validation_failed, "the request target is not a valid URL path"));
  const auto url = *parsed;
  const auto seg = segments_of(url);
  const auto method = req.method();
  auto respond = [&](http::status status, const json::value& body) {
    return json_response(req, status, body);
  };
  auto respond_text = [&](http::status status, std::string body) {
    return json_text_response(req, status, std::move(body));
  };
  auto fail = [&](const error& e) { return error_response(req, e); };

  // Routes anyone may call.
  if (seg.size() == 1 && seg[0] == "healthz" && method == http::verb::get)
    co_return respond(http::status::ok, {{"status", "ok"}});
  if (seg.size() == 1 && seg[0] == "readyz" && method == http::verb::get) {
    auto state = co_await readiness_.check();
    co_return respond(
        state.ready ? http::status::ok : http::status::service_unavailable,
        {{"status", state.ready ? "ready" : "unavailable"}, {"stores", std::move(state.stores)}});
  }
  if (seg.size() == 1 && seg[0] == "metrics" && method == http::verb::get) {
    string_response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.keep_alive(req.keep_alive());
    res.body() = metrics_.render();
    res.prepare_payload();
    co_return res;
  }
  if (seg.size() == 1 && seg[0] == "openapi.json" && method == http::verb::get) {
    string_response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = std::string(openapi_document());
    res.prepare_payload();
    co_return res;
  }
  if (seg.size() == 2 && seg[0] == "dev" && seg[1] == "token" && settings_.dev_auth &&
      settings_.dev_tokens) {
    if (method != http::verb::post) co_return fail(method_not_allowed());
    if (!addressed_by_address(req[http::field::host]))
      co_return fail(make_error(errc::forbidden,
                                "dev tokens are given only to requests addressed to localhost or "
                                "an IP address; use the mint-token command"));
    auto body = parse_body(req);
    if (!body) co_return fail(body.error());
    domain::body_reader in(*body);
    in.refuse_unknown_fields({"userId", "roles"});
    auto user = in.text("userId", domain::max_id_length, true);
    if (user && !domain::is_safe_id(*user))
      in.problem("userId", "must be letters, digits and -_.@:|");
    auto roles = in.text_list("roles", 8, 32, false);
    if (!in.ok()) co_return fail(in.failure());
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         service_.ctx.clock.now().time_since_epoch())
                         .count();
    constexpr std::chrono::seconds lifetime{86400};
    auto token = settings_.dev_tokens->mint(*user, roles.value_or(std::vector<std::string>{}), now,
                                            lifetime);
    co_return respond(http::status::ok,
                      {{"token", std::move(token)}, {"expiresIn", lifetime.count()}});
  }

  auto who = co_await authenticate(req, peer);
  if (!who) {
    // An unknown path is a 404 whoever asks; a known one needs a token first.
    const bool known = !seg.empty() && (seg[0] == "topics" || seg[0] == "matchmaking" ||
                                        seg[0] == "sessions" || seg[0] == "ice-servers");
    co_return fail(known ? who.error() : make_error(errc::not_found, "no such route"));
  }
  const auto& user = who->user;

  if (seg.size() >= 1 && seg[0] == "topics") {
    auto& topics = service_.ctx.topics;
    if (seg.size() == 1 && method == http::verb::get) {
      app::topic_list_query q;
      error invalid{errc::validation_failed, "invalid query parameter", {}};
      if (auto lang = query_param(url, "language")) {
        if (domain::is_language_code(*lang))
          q.filter.language = *lang;
        else
          invalid.details.push_back({"language", "must be an ISO 639-1 code such as en"});
      }
      if (auto level = query_param(url, "level")) {
        if (auto l = domain::parse_level(*level))
          q.filter.level = *l;
        else
          invalid.details.push_back({"level", "must be one of A1 A2 B1 B2 C1 C2"});
      }
      if (auto category = query_param(url, "category")) {
        // Characters, as a topic's category is counted when it is created.
        if (domain::is_valid_utf8(*category) &&
            domain::utf8_length(*category) <= domain::max_category_chars)
          q.filter.category = *category;
        else
          invalid.details.push_back({"category", domain::is_valid_utf8(*category)
                                                     ? "must be at most 64 characters"
                                                     : "must be valid UTF-8"});
      }
      auto limit = limit_param(url, 20, app::max_topic_page);
      if (!limit) invalid.details.push_back(limit.error().details.front());
      if (!invalid.details.empty()) co_return fail(invalid);
      q.limit = *limit;
      q.cursor = query_param(url, "cursor");
      auto page = co_await topics.list(std::move(q));
      if (!page) co_return fail(page.error());
      json::array items;
      for (const auto& t : page->items)
        items.push_back(domain::to_json(t));
      co_return respond(http::status::ok, {{"items", std::move(items)},
                                           {"nextCursor", optional_text(page->last_id)}});
    }
    if (seg.size() == 1 && method == http::verb::post) {
      if (!who->is_admin)
        co_return fail(make_error(errc::forbidden, "topics are for admins to create"));
      auto body = parse_body(req);
      if (!body) co_return fail(body.error());
      auto created = co_await topics.create(*body);
      if (!created) co_return fail(created.error());
      auto res = respond(http::status::created, domain::to_json(*created));
      res.set(http::field::location, "/topics/" + created->id);
      co_return res;
    }
    if (seg.size() == 2) {
      if (method == http::verb::get) {
        auto t = co_await topics.get(seg[1]);
        if (!t) co_return fail(t.error());
        co_return respond(http::status::ok, domain::to_json(*t));
      }
      if (method == http::verb::patch || method == http::verb::delete_) {
        if (!who->is_admin)
          co_return fail(make_error(errc::forbidden, "topics are for admins to change"));
        if (method == http::verb::delete_) {
          auto done = co_await topics.deactivate(seg[1]);
          if (!done) co_return fail(done.error());
          string_response res{http::status::no_content, req.version()};
          res.keep_alive(req.keep_alive());
          res.prepare_payload();
          co_return res;
        }
        auto body = parse_body(req);
        if (!body) co_return fail(body.error());
        auto changed = co_await topics.patch(seg[1], *body);
        if (!changed) co_return fail(changed.error());
        co_return respond(http::status::ok, domain::to_json(*changed));
      }
    }
    co_return fail(method_not_allowed());
  }

  if (seg.size() == 2 && seg[0] == "matchmaking") {
    auto& matching = service_.matching;
    if (seg[1] == "join" && method == http::verb::post) {
      auto body = parse_body(req);
      if (!body) co_return fail(body.error());
      auto wish = domain::join_wish_from_body(*body);
      if (!wish) co_return fail(wish.error());
      auto joined = co_await matching.join(user, std::move(*wish));
      if (!joined) co_return fail(joined.error());
      json_object_text answer;
      if (!joined->session) {
        answer.field("status", "pending")
            .raw_field("request", domain::to_json_text(joined->request));
        co_return respond_text(http::status::accepted, answer.finish());
      }
      answer.field("status", "matched")
          .raw_field("request", domain::to_json_text(joined->request))
          .raw_field("session", domain::to_json_text(*joined->session))
          .field("isInitiator", false);
      co_return respond_text(http::status::created, answer.finish());
    }
    if (seg[1] == "leave" && method == http::verb::post) {
      auto left = co_await matching.leave(user);
      if (!left) co_return fail(left.error());
      json_object_text answer;
      answer.field("status", "cancelled").raw_field("request", domain::to_json_text(*left));
      co_return respond_text(http::status::ok, answer.finish());
    }
    if (seg[1] == "status" && method == http::verb::get) {
      auto latest = co_await matching.status(user);
      if (!latest) co_return fail(latest.error());
      co_return respond_text(http::status::ok, domain::to_json_text(*latest));
    }
    co_return fail(method_not_allowed());
  }

  if (seg.size() >= 1 && seg[0] == "sessions") {
    auto& lifecycle = service_.lifecycle;
    if (seg.size() == 1 && method == http::verb::get) {
      error invalid{errc::validation_failed, "invalid query parameter", {}};
      std::optional<domain::session_status> status;
      if (auto s = query_param(url, "status")) {
        status = domain::parse_session_status(*s);
        if (!status)
          invalid.details.push_back(
              {"status", "must be one of waiting active completed cancelled"});
      }
      auto limit = limit_param(url, 20, 100);
      if (!limit) invalid.details.push_back(limit.error().details.front());
      auto cursor = query_param(url, "cursor");
      if (cursor && cursor->size() > 256) invalid.details.push_back({"cursor", "is not valid"});
      if (!invalid.details.empty()) co_return fail(invalid);
      auto page = co_await service_.ctx.store.sessions_of(user, status, *limit, cursor);
      if (!page) co_return fail(page.error());
      std::string items = "[";
      for (const auto& s : page->items) {
        if (items.size() > 1) items += ',';
        items += domain::to_json_text(s);
      }
      items += ']';
      json_object_text answer;
      answer.raw_field("items", items).field("nextCursor", page->cursor);
      co_return respond_text(http::status::ok, answer.finish());
    }
    if (seg.size() == 2 && method == http::verb::get) {
      auto s = co_await lifecycle.find_for(user, seg[1], who->is_admin);
      if (!s) co_return fail(s.error());
      co_return respond_text(http::status::ok, domain::to_json_text(*s));
    }
    if (seg.size() == 3 && seg[2] == "end" && method == http::verb::post) {
      auto ended = co_await lifecycle.end_by(user, seg[1]);
      if (!ended) co_return fail(ended.error());
      co_return respond_text(http::status::ok, domain::to_json_text(*ended));
    }
    if (seg.size() == 3 && seg[2] == "report" && method == http::verb::post) {
      auto body = parse_body(req);
      if (!body) co_return fail(body.error());
      domain::body_reader in(*body);
      in.refuse_unknown_fields({"reason", "details"});
      auto reason = in.text("reason", 200, true);
      auto details = in.text("details", 2000, false);
      if (!in.ok()) co_return fail(in.failure());
      auto reported = co_await lifecycle.report(user, seg[1], *reason, details);
      if (!reported) co_return fail(reported.error());
      co_return respond_text(http::status::ok, domain::to_json_text(*reported));
    }
    co_return fail(method_not_allowed());
  }

  if (seg.size() == 1 && seg[0] == "ice-servers" && method == http::verb::get)
    co_return respond(http::status::ok, service_.ctx.ice.for_user(user, service_.ctx.clock.now()));

  co_return fail(make_error(errc::not_found, "no such route"));
}

}  // namespace conv::transport
