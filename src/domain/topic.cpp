#include "domain/topic.hpp"

#include "domain/body_reader.hpp"
#include "domain/validation.hpp"

#include <boost/json.hpp>

namespace conv::domain {
namespace {

// Reads every field present in `body` into `t`; `creating` makes the required ones required.
result<topic> read_topic_fields(topic t, const boost::json::value& body, bool creating) {
  body_reader in(body);
  in.refuse_unknown_fields({"targetLanguageCode", "level", "title", "description",
                            "promptQuestions", "category", "estimatedDurationMinutes", "isActive"});
  if (auto lang = in.text("targetLanguageCode", max_language_code_length, creating)) {
    if (is_language_code(*lang))
      t.target_language_code = *lang;
    else
      in.problem("targetLanguageCode", "must be an ISO 639-1 code such as en or pt-BR");
  }
  if (auto level = in.text("level", 2, creating)) {
    if (auto parsed = parse_level(*level))
      t.level = *parsed;
    else
      in.problem("level", "must be one of A1 A2 B1 B2 C1 C2");
  }
  if (auto title = in.text("title", max_title_chars, creating)) t.title = *title;
  if (in.has("description")) {
    if (auto d = in.text("description", max_description_chars, false)) t.description = *d;
  }
  if (auto q =
          in.text_list("promptQuestions", max_prompt_questions, max_prompt_question_chars, false))
    t.prompt_questions = *q;
  if (auto c = in.text("category", max_category_chars, false)) t.category = *c;
  if (auto m = in.integer("estimatedDurationMinutes", min_topic_minutes, max_topic_minutes, false))
    t.estimated_duration_minutes = int(*m);
  if (auto active = in.boolean("isActive", false)) t.is_active = *active;
  if (!creating) {
    // In a PATCH, null clears what may be empty and is refused for what may not.
    for (auto field :
         {"targetLanguageCode", "level", "title", "estimatedDurationMinutes", "isActive"})
      if (in.is_null(field)) in.problem(field, "cannot be null");
    if (in.is_null("description")) t.description.clear();
    if (in.is_null("category")) t.category.clear();
    if (in.is_null("promptQuestions")) t.prompt_questions.clear();
  }
  if (!in.ok()) return in.failure();
  return t;
}

}  // namespace

result<topic> topic_from_create_body(const boost::json::value& body) {
  return read_topic_fields(topic{}, body, true);
}

result<topic> topic_with_patch(topic current, const boost::json::value& body) {
  return read_topic_fields(std::move(current), body, false);
}

boost::json::object to_json(const topic& t) {
  boost::json::array questions;
  for (const auto& q : t.prompt_questions)
    questions.emplace_back(q);
  return {{"id", t.id},
          {"targetLanguageCode", t.target_language_code},
          {"level", level_name(t.level)},
          {"title", t.title},
          {"description", t.description},
          {"promptQuestions", std::move(questions)},
          {"category", t.category},
          {"estimatedDurationMinutes", t.estimated_duration_minutes},
          {"isActive", t.is_active},
          {"createdAt", format_rfc3339(t.created_at)},
          {"version", t.version}};
}

std::optional<topic> topic_from_json(const boost::json::value& doc) {
  const auto* o = doc.if_object();
  if (!o) return std::nullopt;
  try {
    topic t;
    t.id = o->at("id").as_string();
    t.target_language_code = o->at("targetLanguageCode").as_string();
    auto level = parse_level(o->at("level").as_string());
    auto created = parse_rfc3339(o->at("createdAt").as_string());
    if (!level || !created) return std::nullopt;
    t.level = *level;
    t.created_at = *created;
    t.title = o->at("title").as_string();
    t.description = o->at("description").as_string();
    for (const auto& q : o->at("promptQuestions").as_array())
      t.prompt_questions.emplace_back(q.as_string());
    t.category = o->at("category").as_string();
    t.estimated_duration_minutes = int(o->at("estimatedDurationMinutes").to_number<std::int64_t>());
    t.is_active = o->at("isActive").as_bool();
    // Topics stored before schema version 2 carry no version: they are version 1.
    if (const auto* v = o->if_contains("version")) t.version = v->to_number<std::int64_t>();
    return t;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace conv::domain
