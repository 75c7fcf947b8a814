// Origins as the WebSocket gateway compares them (CONV_ALLOWED_ORIGINS and the Origin header).
#include "common/web_origin.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace conv {
namespace {

TEST(WebOrigin, IsWrittenTheWayBrowsersSerialiseIt) {
  const std::vector<std::pair<const char*, const char*>> cases{
      {"https://app.example.com", "https://app.example.com"},
      {"https://App.Example.com/", "https://app.example.com"},
      {"HTTPS://APP.EXAMPLE.COM", "https://app.example.com"},
      {"https://app.example.com:443", "https://app.example.com"},
      {"http://app.example.com:80/", "http://app.example.com"},
      {"https://app.example.com:80", "https://app.example.com:80"},
      {"http://app.example.com:443", "http://app.example.com:443"},
      {"https://app.example.com:8443", "https://app.example.com:8443"},
      {"http://localhost:05173", "http://localhost:5173"},
      {"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
      {"http://[::1]:8080", "http://[::1]:8080"},
      {"https://[2001:DB8::1]:443", "https://[2001:db8::1]"},
      {"https://xn--bcher-kva.example", "https://xn--bcher-kva.example"},
  };
  for (const auto& [text, expected] : cases)
    EXPECT_EQ(normalized_origin(text), std::optional<std::string>(expected)) << text;
}

TEST(WebOrigin, AnythingButSchemeHostAndPortIsNotAnOrigin) {
  for (const auto* text : {"",
                           "null",
                           "*",
                           "app.example.com",
                           "//app.example.com",
                           "ftp://app.example.com",
                           "ws://app.example.com",
                           "https://",
                           "https:///",
                           "https:app.example.com",
                           "https://app.example.com/app",
                           "https://app.example.com//",
                           "https://app.example.com/?",
                           "https://app.example.com?x=1",
                           "https://app.example.com#top",
                           "https://user@app.example.com",
                           "https://@app.example.com",
                           "https://app.example.com:",
                           "https://app.example.com:0",
                           "https://app.example.com:65536",
                           "https://app.example.com:99999",
                           "https://ex%41mple.com",
                           "https://a b.example",
                           "https://[v1.x]",
                           "https://[::1"})
    EXPECT_EQ(normalized_origin(text), std::nullopt) << text;
}

}  // namespace
}  // namespace conv
