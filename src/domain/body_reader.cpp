#include "domain/body_reader.hpp"

#include "domain/validation.hpp"

#include <fmt/format.h>

namespace conv::domain {

body_reader::body_reader(const boost::json::value& body) : object_(body.if_object()) {
  if (!object_) problem("", "the body must be a JSON object");
}

bool body_reader::has(std::string_view field) const {
  return object_ && object_->contains(field) && !object_->at(field).is_null();
}

bool body_reader::is_null(std::string_view field) const {
  return object_ && object_->contains(field) && object_->at(field).is_null();
}

namespace {

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
}

}  // namespace

const boost::json::value* body_reader::find(std::string_view field, bool required) {
  if (!object_) return nullptr;
  const auto* v = object_->if_contains(field);
  if (!v || v->is_null()) {
    if (required) problem(std::string(field), "is required");
    return nullptr;
  }
  return v;
}

std::optional<std::string> body_reader::text(std::string_view field, std::size_t max_chars,
                                             bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    problem(std::string(field), "must be a string");
    return std::nullopt;
  }
  std::string_view s = v->get_string();
  const auto chars = utf8_length(s);
  if (is_blank(s)) {
    problem(std::string(field), "must not be empty or only white space");
    return std::nullopt;
  }
  if (chars > max_chars) {
    problem(std::string(field), fmt::format("must be at most {} characters", max_chars));
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::int64_t> body_reader::integer(std::string_view field, std::int64_t min,
                                                 std::int64_t max, bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= std::uint64_t(max)) n = std::int64_t(v->get_uint64());
  if (!n) {
    // A number that is no integer (1.5, or 1.0: JSON keeps the difference) is told so; only
    // an integer out of range is told the range.
    problem(std::string(field), v->is_uint64() ? fmt::format("must be between {} and {}", min, max)
                                : v->is_number()
                                    ? fmt::format("must be a whole number from {} to {}", min, max)
                                    : std::string("must be an integer"));
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    problem(std::string(field), fmt::format("must be between {} and {}", min, max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> body_reader::boolean(std::string_view field, bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    problem(std::string(field), "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<std::vector<std::string>> body_reader::text_list(std::string_view field,
                                                               std::size_t max_items,
                                                               std::size_t max_chars,
                                                               bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  const auto* array = v->if_array();
  if (!array) {
    problem(std::string(field), "must be an array of strings");
    return std::nullopt;
  }
  if (array->size() > max_items) {
    problem(std::string(field), fmt::format("must have at most {} items", max_items));
    return std::nullopt;
  }
  std::vector<std::string> items;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto& item = (*array)[i];
    const auto name = fmt::format("{}[{}]", field, i);
    if (!item.is_string() || is_blank(item.get_string())) {
      problem(name, "must be a string, not empty or only white space");
    } else if (utf8_length(item.get_string()) > max_chars) {
      problem(name, fmt::format("must be at most {} characters", max_chars));
    } else {
      items.emplace_back(item.get_string());
    }
  }
  if (items.size() != array->size()) return std::nullopt;
  return items;
}

void body_reader::refuse_unknown_fields(std::initializer_list<std::string_view> known) {
  if (!object_) return;
  for (const auto& [key, value] : *object_) {
    bool listed = false;
    for (auto k : known)
      listed = listed || k == key;
    if (!listed) problem(std::string(key), "is not a known field");
  }
}

void body_reader::problem(std::string field, std::string text) {
  if (problems_.size() < 32) problems_.push_back({std::move(field), std::move(text)});
}

error body_reader::failure() const {
  return error{errc::validation_failed, "the request body is not valid", problems_};
}

}  // namespace conv::domain
