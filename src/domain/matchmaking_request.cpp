#include "domain/matchmaking_request.hpp"

#include "domain/body_reader.hpp"
#include "domain/validation.hpp"

#include <boost/json.hpp>

namespace conv::domain {
namespace {

std::optional<std::string> read_optional_text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

}  // namespace

std::string_view status_name(request_status s) {
  switch (s) {
    case request_status::pending:
      return "pending";
    case request_status::matched:
      return "matched";
    case request_status::cancelled:
      return "cancelled";
    case request_status::expired:
      return "expired";
  }
  return "pending";
}

std::string queue_key(std::string_view language, cefr_level level) {
  std::string key(language);
  key += ':';
  key += level_name(level);
  return key;
}

result<join_wish> join_wish_from_body(const boost::json::value& body) {
  body_reader in(body);
  in.refuse_unknown_fields({"targetLanguageCode", "userLevel", "learningProfileId",
                            "preferredTopicId", "preferredDuration"});
  join_wish wish;
  if (auto lang = in.text("targetLanguageCode", max_language_code_length, true)) {
    if (is_language_code(*lang))
      wish.target_language_code = *lang;
    else
      in.problem("targetLanguageCode", "must be an ISO 639-1 code such as en or pt-BR");
  }
  if (auto level = in.text("userLevel", 2, true)) {
    if (auto parsed = parse_level(*level))
      wish.user_level = *parsed;
    else
      in.problem("userLevel", "must be one of A1 A2 B1 B2 C1 C2");
  }
  // The learning profile's id is written by another service, like a user id: any text of
  // 1 to 255 bytes without control characters (a base64 id has + / =). A topic's id is one
  // this service gave out.
  if (auto id = in.text("learningProfileId", max_user_id_bytes, false)) {
    if (is_valid_user_id(*id))
      wish.learning_profile_id = *id;
    else
      in.problem("learningProfileId", "must be at most 255 bytes, without control characters");
  }
  if (auto id = in.text("preferredTopicId", max_id_length, false)) {
    if (is_safe_id(*id))
      wish.preferred_topic_id = *id;
    else
      in.problem("preferredTopicId", "must be an id of letters, digits and -_.@:|");
  }
  if (auto minutes = in.integer("preferredDuration", 1, max_preferred_duration_minutes, false))
    wish.preferred_duration = int(*minutes);
  if (!in.ok()) return in.failure();
  return wish;
}

void write_fields_but_id(json_object_text& out, const matchmaking_request& r) {
  out.field("userId", r.user_id)
      .field("learningProfileId", r.learning_profile_id)
      .field("targetLanguageCode", r.target_language_code)
      .field("userLevel", level_name(r.user_level))
      .field("preferredTopicId", r.preferred_topic_id);
  if (r.preferred_duration)
    out.field("preferredDuration", *r.preferred_duration);
  else
    out.null_field("preferredDuration");
  out.field("status", status_name(r.status))
      .field("matchedWithUserId", r.matched_with_user_id)
      .field("sessionId", r.session_id)
      .field("createdAt", format_rfc3339(r.created_at))
      .field("expiresAt", format_rfc3339(r.expires_at));
}

std::string to_json_text(const matchmaking_request& r) {
  json_object_text out;
  out.field("id", r.id);
  write_fields_but_id(out, r);
  out.field("version", r.version);
  return out.finish();
}

boost::json::object to_json(const matchmaking_request& r) {
  return boost::json::parse(to_json_text(r)).as_object();
}

std::optional<matchmaking_request> request_from_json(const boost::json::value& doc) {
  const auto* o = doc.if_object();
  if (!o) return std::nullopt;
  try {
    matchmaking_request r;
    r.id = o->at("id").as_string();
    r.user_id = o->at("userId").as_string();
    r.learning_profile_id = read_optional_text(*o, "learningProfileId");
    r.target_language_code = o->at("targetLanguageCode").as_string();
    auto level = parse_level(o->at("userLevel").as_string());
    auto created = parse_rfc3339(o->at("createdAt").as_string());
    auto expires = parse_rfc3339(o->at("expiresAt").as_string());
    if (!level || !created || !expires) return std::nullopt;
    r.user_level = *level;
    r.created_at = *created;
    r.expires_at = *expires;
    r.preferred_topic_id = read_optional_text(*o, "preferredTopicId");
    if (const auto* d = o->if_contains("preferredDuration"); d && d->is_number())
      r.preferred_duration = int(d->to_number<std::int64_t>());
    const std::string_view status = o->at("status").as_string();
    bool known = false;
    for (auto s : {request_status::pending, request_status::matched, request_status::cancelled,
                   request_status::expired})
      if (status_name(s) == status) r.status = s, known = true;
    if (!known) return std::nullopt;
    r.matched_with_user_id = read_optional_text(*o, "matchedWithUserId");
    r.session_id = read_optional_text(*o, "sessionId");
    r.version = o->at("version").to_number<std::int64_t>();
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace conv::domain
