#pragma once
// Reads the fields of a JSON request body and gathers every problem, so a client learns
// about all of its mistakes in one VALIDATION_FAILED instead of one per round trip.
#include "common/error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conv::domain {

class body_reader {
 public:
  // A non-object body is itself a problem (reported on field "").
  explicit body_reader(const boost::json::value& body);

  bool has(std::string_view field) const;      // present and not null
  bool is_null(std::string_view field) const;  // present as null
  // A text field: must be a valid string of at most `max_chars` code points, not empty and
  // not only white space.
  std::optional<std::string> text(std::string_view field, std::size_t max_chars, bool required);
  std::optional<std::int64_t> integer(std::string_view field, std::int64_t min, std::int64_t max,
                                      bool required);
  std::optional<bool> boolean(std::string_view field, bool required);
  std::optional<std::vector<std::string>> text_list(std::string_view field, std::size_t max_items,
                                                    std::size_t max_chars, bool required);
  // Fields outside `known` are refused: a typo in a field name must not be silently ignored.
  void refuse_unknown_fields(std::initializer_list<std::string_view> known);

  void problem(std::string field, std::string text);
  bool ok() const { return problems_.empty(); }
  error failure() const;

 private:
  const boost::json::value* find(std::string_view field, bool required);

  const boost::json::object* object_ = nullptr;
  std::vector<field_problem> problems_;
};

}  // namespace conv::domain
