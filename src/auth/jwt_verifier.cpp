#include "auth/jwt_verifier.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <boost/json.hpp>

#include <cmath>
#include <stdexcept>

namespace boost::system {
void throw_exception_from_error(conv::auth::verify_error e, const boost::source_location&) {
  throw std::logic_error("unchecked JWT verification failure: " +
                         std::string(conv::auth::to_string(e)));
}
}  // namespace boost::system

namespace conv::auth {
namespace {

using verdict = boost::system::result<claims, verify_error>;

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct ecdsa_sig_deleter {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

// OpenSSL 3's one-shot HMAC() looks the algorithm up on every call, which costs more than
// the MAC itself: each thread keeps a context keyed once and restarts it for every token.
class keyed_hmac_sha256 {
 public:
  keyed_hmac_sha256()
      : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)),
        ctx_(mac_ ? EVP_MAC_CTX_new(mac_) : nullptr) {}
  ~keyed_hmac_sha256() {
    EVP_MAC_CTX_free(ctx_);
    EVP_MAC_free(mac_);
  }
  keyed_hmac_sha256(const keyed_hmac_sha256&) = delete;
  keyed_hmac_sha256& operator=(const keyed_hmac_sha256&) = delete;

  // The MAC of `data` under `key`; empty when OpenSSL fails (then no signature matches).
  std::string operator()(std::string_view key, std::string_view data) {
    if (!ctx_) return {};
    bool ok;
    if (key != key_ || key.empty()) {  // an empty key_ means "not keyed yet"
      char digest[] = "SHA256";
      const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                                   OSSL_PARAM_construct_end()};
      key_.clear();
      ok = EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                        params) == 1;
      if (ok) key_ = key;
    } else {
      ok = EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1;  // same key: restart
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    ok = ok &&
         EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) ==
             1 &&
         EVP_MAC_final(ctx_, mac, &len, sizeof mac) == 1;
    if (!ok) {
      key_.clear();
      return {};
    }
    return std::string(reinterpret_cast<char*>(mac), len);
  }

 private:
  EVP_MAC* mac_;
  EVP_MAC_CTX* ctx_;
  std::string key_;
};

std::string hmac_sha256(std::string_view key, std::string_view data) {
  thread_local keyed_hmac_sha256 hmac;
  return hmac(key, data);
}

bool verify_with_key(EVP_PKEY* key, std::string_view data, std::string_view der_signature) {
  std::unique_ptr<EVP_MD_CTX, md_ctx_deleter> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der_signature.data()),
                          der_signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

// JWS ES256 signatures are R||S, 32 bytes each; OpenSSL verifies DER.
std::optional<std::string> es256_to_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, ecdsa_sig_deleter> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), std::size_t(len));
  OPENSSL_free(der);
  return out;
}

std::optional<boost::json::object> decode_object(std::string_view part) {
  auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 16;
  auto v = boost::json::parse(*bytes, ec, {}, options);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

// Dates beyond ±2^62 s (some 146 billion years either way) are no dates an issuer writes.
// Refusing them keeps the conversion from a double defined (one past the range of int64
// converts to anything: "nbf":1e20 became a date long past) and every comparison with the
// clock far from overflow.
constexpr std::int64_t max_numeric_date = std::int64_t(1) << 62;

// A NumericDate claim (RFC 7519 §2: seconds, maybe fractional, truncated here). Nullopt
// when absent or not a number; malformed when a number no clock reaches (or not finite).
boost::system::result<std::optional<std::int64_t>, verify_error> numeric_date(
    const boost::json::object& o, std::string_view key) {
  using date = std::optional<std::int64_t>;
  const auto* v = o.if_contains(key);
  if (!v || !v->is_number()) return date();
  if (v->is_int64()) {
    const auto n = v->get_int64();
    if (n < -max_numeric_date || n > max_numeric_date) return verify_error::malformed;
    return date(n);
  }
  if (v->is_uint64()) {
    const auto n = v->get_uint64();
    if (n > std::uint64_t(max_numeric_date)) return verify_error::malformed;
    return date(std::int64_t(n));
  }
  const double d = v->get_double();
  if (!std::isfinite(d) || d < -double(max_numeric_date) || d > double(max_numeric_date))
    return verify_error::malformed;
  return date(std::int64_t(d));
}

bool audience_matches(const boost::json::value* aud, const std::string& expected) {
  if (!aud) return false;
  if (aud->is_string()) return aud->get_string() == expected;
  if (aud->is_array())
    for (const auto& a : aud->get_array())
      if (a.is_string() && a.get_string() == expected) return true;
  return false;
}

}  // namespace

bool claims::is_admin() const {
  for (const auto& r : roles)
    if (r == "admin") return true;
  return false;
}

std::string_view to_string(verify_error e) {
  switch (e) {
    case verify_error::malformed:
      return "malformed";
    case verify_error::unsupported_algorithm:
      return "unsupported algorithm";
    case verify_error::algorithm_mismatch:
      return "algorithm does not match the key";
    case verify_error::unknown_key:
      return "unknown key";
    case verify_error::bad_signature:
      return "bad signature";
    case verify_error::expired:
      return "expired";
    case verify_error::not_yet_valid:
      return "not yet valid";
    case verify_error::wrong_issuer:
      return "wrong issuer";
    case verify_error::wrong_audience:
      return "wrong audience";
    case verify_error::missing_subject:
      return "missing subject";
    case verify_error::missing_expiry:
      return "missing expiry";
  }
  return "invalid";
}

jwt_verifier::jwt_verifier(verifier_options options) : options_(std::move(options)) {}

std::shared_ptr<const key_set> jwt_verifier::keys() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

void jwt_verifier::replace_keys(key_set keys) {
  auto next = std::make_shared<const key_set>(std::move(keys));
  std::lock_guard lock(mutex_);
  keys_ = std::move(next);
}

verdict jwt_verifier::verify(std::string_view token, std::int64_t now) const {
  if (token.size() > max_token_bytes) return verify_error::malformed;
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return verify_error::malformed;
  const auto signed_part = token.substr(0, dot2);
  auto header = decode_object(token.substr(0, dot1));
  auto payload = decode_object(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!header || !payload || !signature) return verify_error::malformed;

  const auto* alg_field = header->if_contains("alg");
  if (!alg_field || !alg_field->is_string()) return verify_error::malformed;
  const std::string_view alg = alg_field->get_string();
  // RFC 7515 §4.1.11: extensions listed in "crit" must be understood, or the token refused.
  // This verifier understands none (b64, for one, would change what the signature covers).
  if (header->contains("crit")) return verify_error::malformed;
  std::optional<std::string> kid;
  if (const auto* k = header->if_contains("kid")) {
    if (!k->is_string()) return verify_error::malformed;
    kid = std::string(k->get_string());
  }

  // The algorithm is chosen by the key we hold, never by the token: an HS256 token is only
  // ever checked against the configured shared secret, and RS/ES only against JWKS keys of
  // that very type.
  if (alg == "HS256") {
    if (!options_.hs256_secret) return verify_error::unsupported_algorithm;
    const auto expected = hmac_sha256(*options_.hs256_secret, signed_part);
    if (expected.empty() || signature->size() != expected.size() ||
        CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
      return verify_error::bad_signature;
  } else if (alg == "RS256" || alg == "ES256") {
    const auto set = keys();
    const auto* key = set->find(kid);
    if (!key) return verify_error::unknown_key;
    const auto wanted = alg == "RS256" ? key_algorithm::rs256 : key_algorithm::es256;
    if (key->algorithm != wanted) return verify_error::algorithm_mismatch;
    std::optional<std::string> der = alg == "RS256" ? signature : es256_to_der(*signature);
    if (!der) return verify_error::bad_signature;
    if (!verify_with_key(key->key.get(), signed_part, *der)) return verify_error::bad_signature;
  } else {
    return verify_error::unsupported_algorithm;  // "none" and everything else
  }

  // The leeway goes on the clock's side: the claims are bounded, the clock is sane, so no
  // sum overflows.
  const auto leeway = options_.leeway.count();
  const auto exp = numeric_date(*payload, "exp");
  const auto nbf = numeric_date(*payload, "nbf");
  if (!exp || !nbf) return verify_error::malformed;
  if (!*exp) return verify_error::missing_expiry;
  if (now - leeway > **exp) return verify_error::expired;
  if (payload->contains("nbf")) {
    if (!*nbf) return verify_error::malformed;
    if (now + leeway < **nbf) return verify_error::not_yet_valid;
  }
  if (options_.issuer) {
    const auto* iss = payload->if_contains("iss");
    if (!iss || !iss->is_string() || iss->get_string() != *options_.issuer)
      return verify_error::wrong_issuer;
  }
  if (options_.audience && !audience_matches(payload->if_contains("aud"), *options_.audience))
    return verify_error::wrong_audience;

  claims result;
  const auto* sub = payload->if_contains("sub");
  // What a user id may be is the service's rule (domain::is_valid_user_id); here only that
  // there is one.
  if (!sub || !sub->is_string() || sub->get_string().empty()) return verify_error::missing_subject;
  result.subject = std::string(sub->get_string());
  result.expires_at = **exp;
  // Only informative (RFC 7519 §4.1.6): an unusable one is as if absent, not a refusal.
  if (const auto iat = numeric_date(*payload, "iat"); iat && *iat) result.issued_at = **iat;
  if (const auto* roles = payload->if_contains("roles"); roles && roles->is_array())
    for (const auto& r : roles->get_array())
      if (r.is_string() && result.roles.size() < 32) result.roles.emplace_back(r.get_string());
  return result;
}

std::string mint_hs256(std::string_view secret, const boost::json::object& payload) {
  const auto header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  const auto body = base64url_encode(boost::json::serialize(payload));
  const auto signed_part = header + "." + body;
  return signed_part + "." + base64url_encode(hmac_sha256(secret, signed_part));
}

}  // namespace conv::auth
