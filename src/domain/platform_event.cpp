#include "domain/platform_event.hpp"

#include "domain/validation.hpp"

#include <boost/json/parse.hpp>

namespace conv::domain {
namespace {

error invalid(std::string field, std::string problem) {
  return error{errc::validation_failed, field + " " + problem, {{field, std::move(problem)}}};
}

// The text field `name` of `data`, checked by `valid`.
result<std::string> text_field(const boost::json::object& data, std::string_view name,
                               bool (*valid)(std::string_view)) {
  const auto* v = data.if_contains(name);
  const std::string field = "data." + std::string(name);
  if (!v) return invalid(field, "is required");
  if (!v->is_string()) return invalid(field, "must be a string");
  const std::string_view text = v->get_string();
  if (!valid(text)) return invalid(field, "is not a valid id");
  return std::string(text);
}

}  // namespace

result<platform_event> decode_platform_event(std::string_view topic, std::string_view text) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  if (ec) return make_error(errc::malformed_json, "not JSON: " + ec.message());
  auto* envelope = parsed.if_object();
  if (!envelope) return make_error(errc::malformed_json, "not a JSON object");
  const auto* type = envelope->if_contains("type");
  if (!type) return invalid("type", "is required");
  if (!type->is_string()) return invalid("type", "must be a string");
  const std::string_view name = type->get_string();
  const bool user_event =
      topic == user_events_topic && (name == "user.deleted" || name == "user.banned");
  const bool feedback_event = topic == feedback_events_topic && name == "feedback.completed";
  if (!user_event && !feedback_event) return platform_event{unknown_event{std::string(name)}};

  auto* data = envelope->if_contains("data");
  if (!data) return invalid("data", "is required");
  if (!data->is_object()) return invalid("data", "must be an object");
  auto& fields = data->get_object();
  if (user_event) {
    auto user = text_field(fields, "userId", is_valid_user_id);
    if (!user) return user.error();
    std::optional<timestamp> occurred_at;
    if (const auto* at = envelope->if_contains("occurredAt"); at && at->is_string())
      occurred_at = parse_rfc3339_any(at->get_string());
    return platform_event{user_removed{std::move(*user), std::string(name), occurred_at}};
  }
  auto session = text_field(fields, "sessionId", is_safe_id);
  if (!session) return session.error();
  return platform_event{feedback_completed{std::move(*session), std::move(fields)}};
}

}  // namespace conv::domain
