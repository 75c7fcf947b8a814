#include "token_factory.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <boost/json.hpp>

#include <stdexcept>
#include <vector>

namespace conv::auth::testing {
namespace {

std::string bn_bytes(EVP_PKEY* key, const char* name, std::size_t pad_to = 0) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(key, name, &bn)) throw std::runtime_error("no key parameter");
  std::size_t len = std::max<std::size_t>(pad_to, std::size_t(BN_num_bytes(bn)));
  std::string out(len, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), int(len));
  BN_free(bn);
  return out;
}

std::string signing_input(const boost::json::object& header, const boost::json::object& payload) {
  return base64url_encode(boost::json::serialize(header)) + "." +
         base64url_encode(boost::json::serialize(payload));
}

std::string digest_sign(EVP_PKEY* key, const std::string& data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                 data.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(data.data()), data.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

}  // namespace

pkey_ptr make_rsa_key() {
  return pkey_ptr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048)));
}
pkey_ptr make_p256_key() {
  return pkey_ptr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

boost::json::object public_jwk(EVP_PKEY* key, const std::string& kid) {
  if (EVP_PKEY_is_a(key, "RSA"))
    return {{"kty", "RSA"},
            {"kid", kid},
            {"use", "sig"},
            {"alg", "RS256"},
            {"n", base64url_encode(bn_bytes(key, OSSL_PKEY_PARAM_RSA_N))},
            {"e", base64url_encode(bn_bytes(key, OSSL_PKEY_PARAM_RSA_E))}};
  return {{"kty", "EC"},
          {"kid", kid},
          {"crv", "P-256"},
          {"x", base64url_encode(bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
          {"y", base64url_encode(bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
}

std::string jwks_of(std::initializer_list<boost::json::object> jwks) {
  boost::json::array keys;
  for (const auto& k : jwks)
    keys.push_back(k);
  return boost::json::serialize(boost::json::object{{"keys", keys}});
}

std::string sign_rs256(EVP_PKEY* key, const boost::json::object& header,
                       const boost::json::object& payload) {
  const auto input = signing_input(header, payload);
  return input + "." + base64url_encode(digest_sign(key, input));
}

std::string sign_es256(EVP_PKEY* key, const boost::json::object& header,
                       const boost::json::object& payload) {
  const auto input = signing_input(header, payload);
  const auto der = digest_sign(key, input);
  // DER → R||S, as JWS wants it.
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, long(der.size()));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return input + "." + base64url_encode(raw);
}

std::string sign_hs256(const std::string& secret, const boost::json::object& header,
                       const boost::json::object& payload) {
  return sign_hs256_text(secret, boost::json::serialize(header), boost::json::serialize(payload));
}

std::string sign_hs256_text(const std::string& secret, const std::string& header,
                            const std::string& payload) {
  const auto input = base64url_encode(header) + "." + base64url_encode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), int(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

std::string public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, std::size_t(len));
  BIO_free(bio);
  return pem;
}

}  // namespace conv::auth::testing
