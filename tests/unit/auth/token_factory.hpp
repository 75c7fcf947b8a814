#pragma once
// Keys and tokens for the JWT tests: real RSA and P-256 keys generated with OpenSSL, tokens
// signed the way an Auth Service would, and the public halves exported as JWKs.
#include "auth/key_set.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace conv::auth::testing {

pkey_ptr make_rsa_key();
pkey_ptr make_p256_key();

// A JWK (public part) of the key, with `kid`.
boost::json::object public_jwk(EVP_PKEY* key, const std::string& kid);
std::string jwks_of(std::initializer_list<boost::json::object> jwks);

std::string sign_rs256(EVP_PKEY* key, const boost::json::object& header,
                       const boost::json::object& payload);
std::string sign_es256(EVP_PKEY* key, const boost::json::object& header,
                       const boost::json::object& payload);
std::string sign_hs256(const std::string& secret, const boost::json::object& header,
                       const boost::json::object& payload);
// The same from JSON text, for payloads Boost.JSON would not write (a number such as 1e999).
std::string sign_hs256_text(const std::string& secret, const std::string& header,
                            const std::string& payload);
// The PEM of the key's public half (what an attacker would use as an HMAC secret).
std::string public_pem(EVP_PKEY* key);

}  // namespace conv::auth::testing
