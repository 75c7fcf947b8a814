#include "common/repeated_keys.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace conv {

bool repeats_a_key(simdjson::dom::object object) {
  thread_local std::vector<std::string_view> keys;
  keys.clear();
  for (auto field : object)
    keys.push_back(field.key);
  std::sort(keys.begin(), keys.end());  // n log n: a 64 KiB object holds ~10,000 keys
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

bool repeats_a_top_level_key(std::string_view text) {
  // One parser and one padded copy per thread (simdjson reads past the end of its input),
  // both keeping their buffers between calls. The parser's default depth (1,024) is above
  // any the callers let through.
  thread_local simdjson::dom::parser parser;
  thread_local std::vector<char> padded;
  if (padded.size() < text.size() + simdjson::SIMDJSON_PADDING)
    padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded.data(), text.data(), text.size());
  simdjson::dom::object object;
  return parser.parse(padded.data(), text.size(), false).get_object().get(object) ==
             simdjson::SUCCESS &&
         repeats_a_key(object);
}

}  // namespace conv
