#pragma once
// Whether a JSON object names a key twice. RFC 8259 leaves such an object's meaning to the
// reader: Boost.JSON and a browser's JSON.parse keep the last value, simdjson's lookups find
// the first, and a proxy may check one while the service acts on the other. The service
// refuses them, on the WebSocket and in REST bodies alike.
#include <simdjson.h>

#include <string_view>

namespace conv {

// The object's own keys (not those of objects inside it).
bool repeats_a_key(simdjson::dom::object object);

// The same for the JSON text `text` when it is an object; false for any other JSON. The
// caller has parsed `text` already, with a depth limit.
bool repeats_a_top_level_key(std::string_view text);

}  // namespace conv
