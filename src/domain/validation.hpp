#pragma once
// Field rules shared by every input of the contract. Pure: text in, verdict out.
#include <cstddef>
#include <string_view>

namespace conv::domain {

// Lowercase ISO 639-1, optionally with a region: "en", "fr", "pt-BR".
bool is_language_code(std::string_view text);

// Opaque ids we hand out and user ids from tokens: printable ASCII without spaces or
// quotes, bounded, so they are safe as keys, file names and log fields.
inline constexpr std::size_t max_id_length = 128;
bool is_safe_id(std::string_view text);

bool is_valid_utf8(std::string_view text);

// Length in Unicode code points of valid UTF-8 text.
std::size_t utf8_length(std::string_view text);

}  // namespace conv::domain
