#pragma once
// Public keys from a JWKS document (RFC 7517): RSA keys for RS256 and P-256 keys for
// ES256, by `kid`. Keys of other types, or meant for encryption, are skipped.
#include <openssl/evp.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace conv::auth {

struct pkey_deleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;

enum class key_algorithm { rs256, es256 };

struct public_key {
  key_algorithm algorithm;
  pkey_ptr key;
};

class key_set {
 public:
  // nullopt when the document is not a JWKS at all; a JWKS whose keys are all unusable
  // parses to an empty set.
  static std::optional<key_set> parse_jwks(std::string_view json);

  // The key named `kid`; with no kid, the only key when there is exactly one.
  const public_key* find(const std::optional<std::string>& kid) const;
  std::size_t size() const { return keys_.size(); }

 private:
  std::map<std::string, public_key> keys_;
};

// base64url without padding (RFC 7515 §2); nullopt on any other character or padding.
std::optional<std::string> base64url_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);

}  // namespace conv::auth
