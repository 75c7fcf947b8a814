#pragma once
// Small pieces of HTTP's text grammar shared by the header readers.
#include <string_view>

namespace conv::transport {

// Without the optional white space (RFC 9110 §5.6.3: spaces and tabs) around it.
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace conv::transport
