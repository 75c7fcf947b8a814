#include "common/json_text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

#include <algorithm>
#include <charconv>

namespace conv {

void append_json_string(std::string& out, std::string_view value) {
  // Ids, codes, levels and timestamps never need escaping: copy them. Anything else is
  // escaped by Boost.JSON, as every other document of the service is.
  const bool plain = std::none_of(value.begin(), value.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
  if (!plain) {
    out += boost::json::serialize(boost::json::string_view(value.data(), value.size()));
    return;
  }
  out += '"';
  out += value;
  out += '"';
}

void json_object_text::key(std::string_view k) {
  if (text_.size() > 1) text_ += ',';
  text_ += '"';
  text_ += k;
  text_ += "\":";
}

json_object_text& json_object_text::field(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(text_, value);
  return *this;
}

json_object_text& json_object_text::field(std::string_view k,
                                          const std::optional<std::string>& value) {
  return value ? field(k, std::string_view(*value)) : null_field(k);
}

json_object_text& json_object_text::field(std::string_view k, std::int64_t value) {
  key(k);
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  text_.append(digits, end);
  return *this;
}

json_object_text& json_object_text::field(std::string_view k, bool value) {
  key(k);
  text_ += value ? "true" : "false";
  return *this;
}

json_object_text& json_object_text::null_field(std::string_view k) {
  key(k);
  text_ += "null";
  return *this;
}

json_object_text& json_object_text::raw_field(std::string_view k, std::string_view json) {
  key(k);
  text_ += json;
  return *this;
}

std::string json_object_text::finish() {
  text_ += '}';
  return std::move(text_);
}

}  // namespace conv
