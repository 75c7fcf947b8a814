#include "auth/key_set.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <boost/json.hpp>

namespace conv::auth {
namespace {

struct bn_deleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct param_bld_deleter {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct params_deleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct ctx_deleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

pkey_ptr from_params(const char* type, OSSL_PARAM* params) {
  std::unique_ptr<EVP_PKEY_CTX, ctx_deleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    return nullptr;
  return pkey_ptr(key);
}

pkey_ptr rsa_key(const std::string& n, const std::string& e) {
  std::unique_ptr<BIGNUM, bn_deleter> bn_n(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), int(n.size()), nullptr));
  std::unique_ptr<BIGNUM, bn_deleter> bn_e(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), int(e.size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, param_bld_deleter> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || BN_num_bits(bn_n.get()) < 2048 ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return nullptr;
  std::unique_ptr<OSSL_PARAM, params_deleter> params(OSSL_PARAM_BLD_to_param(bld.get()));
  return params ? from_params("RSA", params.get()) : nullptr;
}

pkey_ptr p256_key(const std::string& x, const std::string& y) {
  if (x.size() != 32 || y.size() != 32) return nullptr;
  std::string point = "\x04" + x + y;  // uncompressed SEC1 point
  std::unique_ptr<OSSL_PARAM_BLD, param_bld_deleter> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()))
    return nullptr;
  std::unique_ptr<OSSL_PARAM, params_deleter> params(OSSL_PARAM_BLD_to_param(bld.get()));
  return params ? from_params("EC", params.get()) : nullptr;
}

std::optional<std::string> text_field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = b64_value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | unsigned(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((buffer >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, or two texts would decode to the same bytes.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += alphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::optional<key_set> key_set::parse_jwks(std::string_view json) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(json, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto* keys = doc.as_object().if_contains("keys");
  if (!keys || !keys->is_array()) return std::nullopt;
  key_set set;
  std::size_t unnamed = 0;
  for (const auto& entry : keys->as_array()) {
    const auto* jwk = entry.if_object();
    if (!jwk) continue;
    if (auto use = text_field(*jwk, "use"); use && *use != "sig") continue;
    const auto kty = text_field(*jwk, "kty");
    const auto alg = text_field(*jwk, "alg");
    public_key key{key_algorithm::rs256, nullptr};
    if (kty == "RSA" && (!alg || *alg == "RS256")) {
      auto n = text_field(*jwk, "n"), e = text_field(*jwk, "e");
      auto dn = n ? base64url_decode(*n) : std::nullopt;
      auto de = e ? base64url_decode(*e) : std::nullopt;
      if (dn && de) key = {key_algorithm::rs256, rsa_key(*dn, *de)};
    } else if (kty == "EC" && text_field(*jwk, "crv") == "P-256" && (!alg || *alg == "ES256")) {
      auto x = text_field(*jwk, "x"), y = text_field(*jwk, "y");
      auto dx = x ? base64url_decode(*x) : std::nullopt;
      auto dy = y ? base64url_decode(*y) : std::nullopt;
      if (dx && dy) key = {key_algorithm::es256, p256_key(*dx, *dy)};
    }
    if (!key.key) continue;
    auto kid = text_field(*jwk, "kid").value_or("#unnamed-" + std::to_string(unnamed++));
    set.keys_.insert_or_assign(std::move(kid), std::move(key));
  }
  return set;
}

const public_key* key_set::find(const std::optional<std::string>& kid) const {
  if (kid) {
    auto it = keys_.find(*kid);
    return it == keys_.end() ? nullptr : &it->second;
  }
  return keys_.size() == 1 ? &keys_.begin()->second : nullptr;
}

}  // namespace conv::auth
