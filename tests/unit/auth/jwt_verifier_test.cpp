#include "auth/jwt_verifier.hpp"
#include "auth/jwks_cache.hpp"
#include "token_factory.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <limits>

namespace conv::auth {
namespace {

using namespace testing;
namespace json = boost::json;

constexpr std::int64_t now = 1'800'000'000;
const std::string secret(40, 's');

json::object payload(json::object extra = {}) {
  json::object p{{"sub", "alice"}, {"exp", now + 300}, {"roles", json::array{"admin"}}};
  for (auto& [k, v] : extra)
    p[k] = v;
  return p;
}

const json::object hs_header{{"alg", "HS256"}, {"typ", "JWT"}};

verify_error failure(const jwt_verifier& v, const std::string& token) {
  auto r = v.verify(token, now);
  EXPECT_FALSE(r) << "accepted " << token;
  return r ? verify_error::malformed : r.error();
}

jwt_verifier hs_verifier(verifier_options o = {}) {
  o.hs256_secret = secret;
  return jwt_verifier(o);
}

TEST(JwtVerifier, AcceptsAValidHs256Token) {
  auto r = hs_verifier().verify(sign_hs256(secret, hs_header, payload()), now);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->subject, "alice");
  EXPECT_TRUE(r->is_admin());
  EXPECT_EQ(r->expires_at, now + 300);
}

TEST(JwtVerifier, ReadsTheIssueTimeWhenItIsUsable) {
  auto v = hs_verifier();
  auto with = v.verify(sign_hs256(secret, hs_header, payload({{"iat", now - 60}})), now);
  ASSERT_TRUE(with);
  EXPECT_EQ(with->issued_at, now - 60);
  EXPECT_EQ(v.verify(sign_hs256(secret, hs_header, payload()), now)->issued_at, std::nullopt);
  // Only informative: one that is no date is as if absent, and the token still valid.
  for (json::value odd : {json::value("yesterday"), json::value(1e300)}) {
    auto r = v.verify(sign_hs256(secret, hs_header, payload({{"iat", odd}})), now);
    ASSERT_TRUE(r) << json::serialize(odd);
    EXPECT_EQ(r->issued_at, std::nullopt);
  }
}

TEST(JwtVerifier, RejectsAlgNone) {
  auto token = base64url_encode(R"({"alg":"none"})") + "." +
               base64url_encode(json::serialize(payload())) + ".";
  EXPECT_EQ(failure(hs_verifier(), token), verify_error::unsupported_algorithm);
}

TEST(JwtVerifier, RejectsAForgedSignature) {
  EXPECT_EQ(failure(hs_verifier(), sign_hs256(std::string(40, 'x'), hs_header, payload())),
            verify_error::bad_signature);
}

TEST(JwtVerifier, RejectsATamperedPayload) {
  auto token = sign_hs256(secret, hs_header, payload());
  const auto first = token.find('.'), second = token.rfind('.');
  token = token.substr(0, first + 1) +
          base64url_encode(json::serialize(payload({{"sub", "root"}}))) + token.substr(second);
  EXPECT_EQ(failure(hs_verifier(), token), verify_error::bad_signature);
}

TEST(JwtVerifier, HonoursExpiryAndNotBeforeWithLeeway) {
  auto v = hs_verifier();  // leeway 30 s
  EXPECT_TRUE(v.verify(sign_hs256(secret, hs_header, payload({{"exp", now - 30}})), now));
  EXPECT_EQ(failure(v, sign_hs256(secret, hs_header, payload({{"exp", now - 31}}))),
            verify_error::expired);
  EXPECT_TRUE(v.verify(sign_hs256(secret, hs_header, payload({{"nbf", now + 30}})), now));
  EXPECT_EQ(failure(v, sign_hs256(secret, hs_header, payload({{"nbf", now + 31}}))),
            verify_error::not_yet_valid);
}

// A date no clock reaches is a malformed token: converted to 64 bits it would be undefined
// behaviour, and in practice a "nbf" of 1e20 became a date long past.
TEST(JwtVerifier, RefusesNumericDatesOutsideAnyClock) {
  auto v = hs_verifier();
  const std::vector<json::value> unreachable{1e20,
                                             1e300,
                                             -1e300,
                                             std::numeric_limits<std::int64_t>::max(),
                                             std::numeric_limits<std::int64_t>::min(),
                                             std::numeric_limits<std::uint64_t>::max(),
                                             (std::uint64_t(1) << 62) + 1,
                                             -(std::int64_t(1) << 62) - 1};
  for (const auto& date : unreachable) {
    EXPECT_EQ(failure(v, sign_hs256(secret, hs_header, payload({{"nbf", date}}))),
              verify_error::malformed)
        << "nbf " << json::serialize(date);
    EXPECT_EQ(failure(v, sign_hs256(secret, hs_header, payload({{"exp", date}}))),
              verify_error::malformed)
        << "exp " << json::serialize(date);
  }
  // A number too large for a double is read as infinity.
  for (const auto* claims : {R"({"sub":"alice","exp":1900000000,"nbf":1e999})",
                             R"({"sub":"alice","exp":1e999})", R"({"sub":"alice","exp":-1e999})"})
    EXPECT_EQ(failure(v, sign_hs256_text(secret, R"({"alg":"HS256"})", claims)),
              verify_error::malformed)
        << claims;
}

TEST(JwtVerifier, AcceptsFractionalDatesAndTheFarEndsOfTheRange) {
  auto v = hs_verifier();
  EXPECT_TRUE(v.verify(sign_hs256(secret, hs_header, payload({{"exp", double(now) + 0.5}})), now));
  EXPECT_TRUE(
      v.verify(sign_hs256(secret, hs_header, payload({{"exp", std::int64_t(1) << 62}})), now));
  EXPECT_TRUE(
      v.verify(sign_hs256(secret, hs_header, payload({{"nbf", -(std::int64_t(1) << 62)}})), now));
}

// RFC 7515 §4.1.11: a recipient that does not understand every extension listed in "crit"
// must refuse the token. This verifier understands none.
TEST(JwtVerifier, RefusesCriticalHeaderExtensions) {
  EXPECT_EQ(
      failure(hs_verifier(),
              sign_hs256(secret, {{"alg", "HS256"}, {"crit", json::array{"b64"}}, {"b64", false}},
                         payload())),
      verify_error::malformed);
  EXPECT_EQ(failure(hs_verifier(),
                    sign_hs256(secret, {{"alg", "HS256"}, {"crit", json::array{}}}, payload())),
            verify_error::malformed);
}

TEST(JwtVerifier, RequiresExpiryAndSubject) {
  auto no_exp = payload();
  no_exp.erase("exp");
  EXPECT_EQ(failure(hs_verifier(), sign_hs256(secret, hs_header, no_exp)),
            verify_error::missing_expiry);
  EXPECT_EQ(failure(hs_verifier(), sign_hs256(secret, hs_header, payload({{"exp", "soon"}}))),
            verify_error::missing_expiry);
  auto no_sub = payload();
  no_sub.erase("sub");
  EXPECT_EQ(failure(hs_verifier(), sign_hs256(secret, hs_header, no_sub)),
            verify_error::missing_subject);
  EXPECT_EQ(failure(hs_verifier(), sign_hs256(secret, hs_header, payload({{"sub", ""}}))),
            verify_error::missing_subject);
}

TEST(JwtVerifier, ChecksIssuerAndAudience) {
  auto v = hs_verifier({.issuer = "https://auth", .audience = "conversation"});
  EXPECT_TRUE(v.verify(
      sign_hs256(secret, hs_header, payload({{"iss", "https://auth"}, {"aud", "conversation"}})),
      now));
  EXPECT_TRUE(v.verify(
      sign_hs256(secret, hs_header,
                 payload({{"iss", "https://auth"}, {"aud", json::array{"x", "conversation"}}})),
      now));
  EXPECT_EQ(failure(v, sign_hs256(secret, hs_header,
                                  payload({{"iss", "https://evil"}, {"aud", "conversation"}}))),
            verify_error::wrong_issuer);
  EXPECT_EQ(failure(v, sign_hs256(secret, hs_header,
                                  payload({{"iss", "https://auth"}, {"aud", "other"}}))),
            verify_error::wrong_audience);
}

TEST(JwtVerifier, RejectsMalformedTokens) {
  auto v = hs_verifier();
  const auto good = sign_hs256(secret, hs_header, payload());
  for (const auto& bad : std::vector<std::string>{"", "abc", "a.b", good + ".x", "!!!.e30.x",
                                                  good + "=", "e30.bm90IGpzb24.x"})
    EXPECT_EQ(failure(v, bad), verify_error::malformed) << bad;
  EXPECT_EQ(failure(v, sign_hs256(secret, hs_header, payload({{"pad", std::string(9000, 'a')}}))),
            verify_error::malformed);
}

TEST(JwtVerifier, Rs256AndEs256FromAJwks) {
  auto rsa = make_rsa_key();
  auto ec = make_p256_key();
  jwt_verifier v({});
  v.replace_keys(
      *key_set::parse_jwks(jwks_of({public_jwk(rsa.get(), "r"), public_jwk(ec.get(), "e")})));
  EXPECT_TRUE(v.verify(sign_rs256(rsa.get(), {{"alg", "RS256"}, {"kid", "r"}}, payload()), now));
  EXPECT_TRUE(v.verify(sign_es256(ec.get(), {{"alg", "ES256"}, {"kid", "e"}}, payload()), now));
  // The right key under the wrong algorithm, and a signature of the wrong length.
  EXPECT_EQ(failure(v, sign_rs256(rsa.get(), {{"alg", "ES256"}, {"kid", "r"}}, payload())),
            verify_error::algorithm_mismatch);
  auto es = sign_es256(ec.get(), {{"alg", "ES256"}, {"kid", "e"}}, payload());
  EXPECT_EQ(failure(v, es.substr(0, es.rfind('.') + 1) + base64url_encode(std::string(63, 'a'))),
            verify_error::bad_signature);
}

TEST(JwtVerifier, RejectsAlgorithmConfusionWithThePublicKeyAsHmacSecret) {
  auto rsa = make_rsa_key();
  const auto jwks = jwks_of({public_jwk(rsa.get(), "r")});
  const auto forged =
      sign_hs256(public_pem(rsa.get()), {{"alg", "HS256"}, {"kid", "r"}}, payload());
  jwt_verifier jwks_only({});
  jwks_only.replace_keys(*key_set::parse_jwks(jwks));
  EXPECT_EQ(failure(jwks_only, forged), verify_error::unsupported_algorithm);
  auto both = hs_verifier();
  both.replace_keys(*key_set::parse_jwks(jwks));
  EXPECT_EQ(failure(both, forged), verify_error::bad_signature);
}

// A JWKS endpoint below the fetcher interface, for the cache's rules.
struct scripted_fetcher : jwks_fetcher {
  scripted_fetcher(std::string* d, int* f) : document(d), fetches(f) {}
  std::string* document;
  int* fetches;
  std::optional<std::string> fetch() override {
    ++*fetches;
    return *document;
  }
};

TEST(JwksCache, AnUnknownKidRefetchesAndRotationWorks) {
  auto a = make_rsa_key(), b = make_rsa_key();
  std::string document = jwks_of({public_jwk(a.get(), "a")});
  int fetches = 0;
  jwt_verifier v({});
  jwks_cache cache(std::make_unique<scripted_fetcher>(&document, &fetches), v,
                   std::chrono::seconds(10));
  ASSERT_TRUE(cache.refresh_if_allowed(now, cache.fetches_finished()));
  const auto token_b = sign_rs256(b.get(), {{"alg", "RS256"}, {"kid", "b"}}, payload());
  EXPECT_EQ(failure(v, token_b), verify_error::unknown_key);
  document = jwks_of({public_jwk(a.get(), "a"), public_jwk(b.get(), "b")});
  EXPECT_FALSE(cache.refresh_if_allowed(
      now + 9, cache.fetches_finished()));  // too soon after the last fetch
  EXPECT_TRUE(cache.refresh_if_allowed(now + 10, cache.fetches_finished()));
  EXPECT_TRUE(v.verify(token_b, now));
  EXPECT_EQ(fetches, 2);
}

TEST(JwksCache, RandomKidsCannotHammerTheJwksUrl) {
  auto a = make_rsa_key();
  std::string document = jwks_of({public_jwk(a.get(), "a")});
  int fetches = 0;
  jwt_verifier v({});
  jwks_cache cache(std::make_unique<scripted_fetcher>(&document, &fetches), v,
                   std::chrono::seconds(10));
  const std::int64_t t = 2'000'000'000;
  EXPECT_TRUE(cache.refresh_if_allowed(t, cache.fetches_finished()));
  for (int i = 1; i < 50; ++i)
    EXPECT_FALSE(cache.refresh_if_allowed(t + i % 10, cache.fetches_finished()));
  EXPECT_TRUE(cache.refresh_if_allowed(t + 10, cache.fetches_finished()));
  EXPECT_EQ(fetches, 2);
}

TEST(JwksCache, TokensThatWaitedForAFetchAreAnsweredByIt) {
  auto a = make_rsa_key(), b = make_rsa_key();
  std::string document = jwks_of({public_jwk(a.get(), "a"), public_jwk(b.get(), "b")});
  int fetches = 0;
  jwt_verifier v({});
  jwks_cache cache(std::make_unique<scripted_fetcher>(&document, &fetches), v,
                   std::chrono::seconds(1));
  // Two tokens with the unknown kid "b" arrive together; the first one's fetch takes longer
  // than the refetch interval. The second, which waited for it, verifies again without a
  // fetch of its own.
  const auto seen = cache.fetches_finished();
  ASSERT_TRUE(cache.refresh_if_allowed(now, seen));
  EXPECT_TRUE(cache.refresh_if_allowed(now + 5, seen));
  EXPECT_EQ(fetches, 1);
  EXPECT_TRUE(v.verify(sign_rs256(b.get(), {{"alg", "RS256"}, {"kid", "b"}}, payload()), now));
}

TEST(KeySet, SkipsUnusableKeysAndRejectsNonJwks) {
  EXPECT_FALSE(key_set::parse_jwks("[]"));
  EXPECT_FALSE(key_set::parse_jwks("not json"));
  auto ec = make_p256_key();
  auto enc = public_jwk(ec.get(), "enc");
  enc["use"] = "enc";
  auto set = key_set::parse_jwks(jwks_of({enc, {{"kty", "oct"}, {"k", "c2VjcmV0"}}}));
  ASSERT_TRUE(set);
  EXPECT_EQ(set->size(), 0u);
}

TEST(Base64url, RoundTripsAndRejectsPaddingAndForeignCharacters) {
  for (const auto& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                                std::string("\xff\x00\x01", 3)})
    EXPECT_EQ(base64url_decode(base64url_encode(s)), s);
  EXPECT_FALSE(base64url_decode("Zm9v="));
  EXPECT_FALSE(base64url_decode("Zm+v"));
  EXPECT_FALSE(base64url_decode("Zg1"));  // non-zero leftover bits
}

TEST(MintHs256, MakesTokensTheVerifierAccepts) {
  auto token = mint_hs256(secret, payload());
  EXPECT_TRUE(hs_verifier().verify(token, now));
}

}  // namespace
}  // namespace conv::auth
