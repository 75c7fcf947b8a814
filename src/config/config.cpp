#include "config/config.hpp"

#include "common/web_origin.hpp"

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include <charconv>
#include <cstdlib>
#include <thread>

namespace conv::config {
namespace {

// The URL as it may be printed: a password in it (`redis://:secret@host`) is not.
std::string without_credentials(std::string value) {
  const auto authority = value.find("://");
  if (authority == std::string::npos) return value;
  // The last `@` of the whole value: a password may hold `/`, `?` or `#`, and a URL that
  // does not parse says nothing reliable about where its authority ends. At worst more
  // than the credentials is hidden.
  const auto begin = authority + 3;
  const auto at = value.rfind('@');
  if (at == std::string::npos || at < begin) return value;
  return value.replace(begin, at - begin, "***");
}

// localhost, or an IPv4 loopback (127.0.0.0/8) or IPv6 loopback ([::1]) address.
bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && address.is_loopback();
}

class reader {
 public:
  explicit reader(const env_lookup& lookup) : lookup_(lookup) {}

  std::optional<std::string> text(const std::string& name) {
    auto v = lookup_(name);
    if (v && v->empty()) return std::nullopt;  // set but empty counts as unset
    return v;
  }

  template <class Int>
  Int integer(const std::string& name, Int fallback, Int min, Int max) {
    auto v = text(name);
    if (!v) return fallback;
    Int n{};
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || end != v->data() + v->size() || n < min || n > max)
      fail(name, fmt::format("an integer from {} to {}", min, max), *v);
    return n;
  }

  std::chrono::seconds seconds(const std::string& name, std::chrono::seconds fallback) {
    return std::chrono::seconds(integer<std::int64_t>(name, fallback.count(), 1, 7 * 24 * 3600));
  }

  bool boolean(const std::string& name, bool fallback) {
    auto v = text(name);
    if (!v) return fallback;
    if (*v == "true" || *v == "1") return true;
    if (*v == "false" || *v == "0") return false;
    fail(name, "true or false", *v);
  }

  std::vector<std::string> list(const std::string& name) {
    std::vector<std::string> items;
    auto v = text(name);
    if (!v) return items;
    std::size_t start = 0;
    while (start <= v->size()) {
      auto comma = v->find(',', start);
      if (comma == std::string::npos) comma = v->size();
      auto item = v->substr(start, comma - start);
      while (!item.empty() && item.front() == ' ')
        item.erase(0, 1);
      while (!item.empty() && item.back() == ' ')
        item.pop_back();
      if (!item.empty()) items.push_back(item);
      start = comma + 1;
    }
    return items;
  }

  std::optional<std::string> url(const std::string& name,
                                 std::initializer_list<std::string_view> schemes) {
    auto v = text(name);
    if (!v) return v;
    auto parsed = boost::urls::parse_uri(*v);
    bool scheme_ok = false;
    if (parsed)
      for (auto s : schemes)
        scheme_ok = scheme_ok || parsed->scheme() == s;
    // "http://" parses as a URI, but with no host there is nothing to connect to.
    if (!parsed || !scheme_ok || parsed->encoded_host().empty()) {
      std::string expected = "a URL with scheme";
      for (auto s : schemes)
        expected += fmt::format(" {}://", s);
      fail(name, expected + " and a host", without_credentials(*v));
    }
    return v;
  }

  [[noreturn]] static void fail(const std::string& name, const std::string& expected,
                                const std::string& got) {
    throw config_error(fmt::format("{}: expected {}, got \"{}\"", name, expected, got));
  }

 private:
  const env_lookup& lookup_;
};

void parse_listen(settings& s, const std::string& value) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0)
    reader::fail("CONV_LISTEN", "host:port, e.g. 0.0.0.0:8080", value);
  s.listen_host = value.substr(0, colon);
  if (s.listen_host.front() == '[' && s.listen_host.back() == ']')
    s.listen_host = s.listen_host.substr(1, s.listen_host.size() - 2);
  else if (s.listen_host.find(':') != std::string::npos)
    // "::1:8080" could be the address ::1:8080 with no port, or ::1 and port 8080.
    reader::fail("CONV_LISTEN", "an IPv6 address in brackets, e.g. [::1]:8080", value);
  const auto port = value.substr(colon + 1);
  unsigned n = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (ec != std::errc{} || end != port.data() + port.size() || n > 65535)
    reader::fail("CONV_LISTEN", "host:port with a port from 0 to 65535", value);
  s.listen_port = std::uint16_t(n);
  boost::system::error_code not_an_address;
  boost::asio::ip::make_address(s.listen_host, not_an_address);
  if (not_an_address)
    reader::fail("CONV_LISTEN", "an IP address and port, e.g. 0.0.0.0:8080 or [::]:8080", value);
}

}  // namespace

settings load(const env_lookup& lookup) {
  reader in(lookup);
  settings s;
  if (auto listen = in.text("CONV_LISTEN")) parse_listen(s, *listen);
  if (auto dir = in.text("CONV_DATA_DIR")) s.data_dir = *dir;

  s.redis_url = in.url("CONV_REDIS_URL", {"redis"});
  s.mongo_uri = in.url("CONV_MONGO_URI", {"mongodb"});
  if (auto db = in.text("CONV_MONGO_DB")) s.mongo_db = *db;
  s.kafka_brokers = in.text("CONV_KAFKA_BROKERS");
  s.s3_endpoint = in.url("CONV_S3_ENDPOINT", {"http", "https"});
  s.s3_bucket = in.text("CONV_S3_BUCKET");
  s.aws_access_key_id = in.text("AWS_ACCESS_KEY_ID");
  s.aws_secret_access_key = in.text("AWS_SECRET_ACCESS_KEY");
  if (auto region = in.text("AWS_REGION")) s.aws_region = *region;
  if (s.s3_endpoint && (!s.s3_bucket || !s.aws_access_key_id || !s.aws_secret_access_key))
    throw config_error(
        "CONV_S3_ENDPOINT: expected CONV_S3_BUCKET, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
        "to be set with it");

  s.jwt_secret = in.text("CONV_JWT_SECRET");
  if (s.jwt_secret && s.jwt_secret->size() < 32)
    reader::fail("CONV_JWT_SECRET", "at least 32 bytes (a shorter HMAC key is guessable)",
                 "<" + std::to_string(s.jwt_secret->size()) + " bytes>");
  s.jwt_jwks_url = in.url("CONV_JWT_JWKS_URL", {"http", "https"});
  // Whoever can change the keys on the way can sign any token: plain HTTP only on this
  // machine (a development identity provider, the tests).
  if (s.jwt_jwks_url && s.jwt_jwks_url->rfind("http://", 0) == 0 &&
      !is_loopback_host(boost::urls::parse_uri(*s.jwt_jwks_url)->host()))
    reader::fail("CONV_JWT_JWKS_URL",
                 "an https:// URL (http:// only for localhost, 127.0.0.0/8 or [::1])",
                 without_credentials(*s.jwt_jwks_url));
  s.jwt_issuer = in.text("CONV_JWT_ISSUER");
  s.jwt_audience = in.text("CONV_JWT_AUDIENCE");
  s.jwks_min_refresh = in.seconds("CONV_JWT_JWKS_REFRESH_S", s.jwks_min_refresh);
  s.dev_auth = in.boolean("CONV_DEV_AUTH", false);
  if (s.dev_auth && s.jwt_secret)
    throw config_error(
        "CONV_DEV_AUTH: expected false while CONV_JWT_SECRET is set: POST /dev/token would sign "
        "tokens for anyone with the shared secret, which other services accept too");
  if (!s.jwt_secret && !s.jwt_jwks_url && !s.dev_auth)
    throw config_error(
        "CONV_JWT_SECRET: expected CONV_JWT_SECRET or CONV_JWT_JWKS_URL to be set "
        "(or CONV_DEV_AUTH=true on a development machine)");

  s.stun_urls = in.list("CONV_STUN_URLS");
  s.turn_urls = in.list("CONV_TURN_URLS");
  s.turn_secret = in.text("CONV_TURN_SECRET");
  // Every user is handed a username and its HMAC: a short secret falls to an offline search.
  if (s.turn_secret && s.turn_secret->size() < 32)
    reader::fail("CONV_TURN_SECRET", "at least 32 bytes (a shorter HMAC key is guessable)",
                 "<" + std::to_string(s.turn_secret->size()) + " bytes>");
  for (const auto& u : s.stun_urls)
    if (u.rfind("stun:", 0) != 0 && u.rfind("stuns:", 0) != 0)
      reader::fail("CONV_STUN_URLS", "comma-separated stun: or stuns: URLs", u);
  for (const auto& u : s.turn_urls)
    if (u.rfind("turn:", 0) != 0 && u.rfind("turns:", 0) != 0)
      reader::fail("CONV_TURN_URLS", "comma-separated turn: or turns: URLs", u);
  if (!s.turn_urls.empty() && !s.turn_secret)
    throw config_error("CONV_TURN_SECRET: expected a secret when CONV_TURN_URLS is set");
  s.turn_ttl = in.seconds("CONV_TURN_TTL_S", s.turn_ttl);

  s.match_timeout = in.seconds("CONV_MATCH_TIMEOUT_S", s.match_timeout);
  s.presence_grace = in.seconds("CONV_PRESENCE_GRACE_S", s.presence_grace);
  s.waiting_timeout = in.seconds("CONV_WAITING_TIMEOUT_S", s.waiting_timeout);
  s.heartbeat_interval = in.seconds("CONV_HEARTBEAT_INTERVAL_S", s.heartbeat_interval);
  s.heartbeat_timeout = in.seconds("CONV_HEARTBEAT_TIMEOUT_S", s.heartbeat_timeout);
  s.min_completed = in.seconds("CONV_MIN_COMPLETED_S", s.min_completed);
  s.max_duration = in.seconds("CONV_MAX_DURATION_S", s.max_duration);
  if (s.heartbeat_timeout <= s.heartbeat_interval)
    throw config_error(fmt::format(
        "CONV_HEARTBEAT_TIMEOUT_S: expected more than CONV_HEARTBEAT_INTERVAL_S ({}s), got {}s",
        s.heartbeat_interval.count(), s.heartbeat_timeout.count()));
  // Else no call its participants end could count as completed: only the cut-off at the
  // maximum would.
  if (s.min_completed >= s.max_duration)
    throw config_error(
        fmt::format("CONV_MIN_COMPLETED_S: expected less than CONV_MAX_DURATION_S ({}s), got {}s",
                    s.max_duration.count(), s.min_completed.count()));

  s.audio_max_bytes = in.integer<std::uint64_t>("CONV_AUDIO_MAX_BYTES", s.audio_max_bytes, 1,
                                                std::uint64_t(10) * 1024 * 1024 * 1024);
  // Kept normalised, as the gateway normalises each handshake's Origin before comparing.
  for (const auto& entry : in.list("CONV_ALLOWED_ORIGINS")) {
    auto origin = entry == "*" ? std::optional<std::string>(entry) : normalized_origin(entry);
    if (!origin)
      reader::fail("CONV_ALLOWED_ORIGINS",
                   "comma-separated origins (http:// or https://, a host, maybe a port, at most "
                   "a \"/\" after them) or *",
                   entry);
    s.allowed_origins.push_back(*origin);
  }
  s.io_threads = in.integer<unsigned>("CONV_IO_THREADS", 0, 0, 256);
  if (auto level = in.text("CONV_LOG_LEVEL")) {
    if (*level != "trace" && *level != "debug" && *level != "info" && *level != "warn" &&
        *level != "error" && *level != "off")
      reader::fail("CONV_LOG_LEVEL", "one of trace debug info warn error off", *level);
    s.log_level = *level;
  }
  if (auto root = in.text("CONV_WEB_ROOT")) s.web_root = *root;
  s.max_connections =
      in.integer<std::size_t>("CONV_MAX_CONNECTIONS", s.max_connections, 1, 10'000'000);
  s.max_connections_per_address = in.integer<std::size_t>(
      "CONV_MAX_CONNECTIONS_PER_ADDRESS", s.max_connections_per_address, 1, 10'000'000);
  s.ws_messages_per_second = double(in.integer<unsigned>("CONV_WS_RATE_PER_S", 50, 1, 1'000'000));
  s.ws_burst = double(in.integer<unsigned>("CONV_WS_BURST", 100, 1, 1'000'000));
  s.ws_handshakes_per_second =
      double(in.integer<unsigned>("CONV_WS_HANDSHAKES_PER_S", 1, 1, 1'000'000));
  s.ws_handshake_burst = double(in.integer<unsigned>("CONV_WS_HANDSHAKE_BURST", 10, 1, 1'000'000));
  s.http_requests_per_second =
      double(in.integer<unsigned>("CONV_HTTP_RATE_PER_S", 20, 1, 1'000'000));
  s.http_burst = double(in.integer<unsigned>("CONV_HTTP_BURST", 40, 1, 1'000'000));
  s.auth_failures_per_second =
      double(in.integer<unsigned>("CONV_AUTH_FAILURES_PER_S", 10, 1, 1'000'000));
  s.auth_failure_burst = double(in.integer<unsigned>("CONV_AUTH_FAILURE_BURST", 50, 1, 1'000'000));
  for (const auto& entry : in.list("CONV_TRUSTED_PROXIES")) {
    auto network = ip_network::parse(entry);
    if (!network)
      reader::fail("CONV_TRUSTED_PROXIES",
                   "comma-separated IP addresses or CIDR networks, e.g. 10.0.0.0/8,::1", entry);
    s.trusted_proxies.push_back(*network);
  }
  if (s.io_threads == 0) s.io_threads = std::max(1u, std::thread::hardware_concurrency());
  return s;
}

settings load_from_environment() {
  return load([](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  });
}

}  // namespace conv::config
