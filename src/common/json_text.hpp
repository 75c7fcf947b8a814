#pragma once
// A JSON object written straight to text, field by field, for the documents the service
// writes on every join and every call (stored requests and sessions, event payloads, REST
// answers): building a boost::json::object first costs an allocation per string field and
// a hash index, only to be serialized and thrown away.
//
// Keys are the caller's literals and are written as they are; values are escaped.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace conv {

class json_object_text {
 public:
  json_object_text() { text_ += '{'; }

  json_object_text& field(std::string_view key, std::string_view value);
  json_object_text& field(std::string_view key, const char* value) {
    return field(key, std::string_view(value));
  }
  json_object_text& field(std::string_view key, const std::string& value) {
    return field(key, std::string_view(value));
  }
  // null when empty
  json_object_text& field(std::string_view key, const std::optional<std::string>& value);
  json_object_text& field(std::string_view key, std::int64_t value);
  json_object_text& field(std::string_view key, int value) {
    return field(key, std::int64_t(value));
  }
  json_object_text& field(std::string_view key, bool value);
  json_object_text& null_field(std::string_view key);
  // `json` is already a serialized JSON value.
  json_object_text& raw_field(std::string_view key, std::string_view json);

  // The object's text; the writer is spent (its text is moved out).
  std::string finish();

 private:
  void key(std::string_view k);
  std::string text_;
};

// `value` as a JSON string literal, quotes included, appended to `out`.
void append_json_string(std::string& out, std::string_view value);

}  // namespace conv
