#pragma once
// Field rules shared by every input of the contract. Pure: text in, verdict out.
#include <cstddef>
#include <string_view>

namespace conv::domain {

// An ISO 639-1 code (lowercase), optionally with a BCP 47 region: "en", "fr", "pt-BR",
// "es-419". At most max_language_code_length characters.
inline constexpr std::size_t max_language_code_length = 6;
bool is_language_code(std::string_view text);

// Opaque ids we hand out (and the dev tools' user names): printable ASCII without spaces
// or quotes, bounded, so they are safe as keys, file names and log fields.
inline constexpr std::size_t max_id_length = 128;
bool is_safe_id(std::string_view text);

// A user id as the platform's Auth Service writes it (a token's `sub`): any UTF-8 text of
// 1 to 255 bytes that is not only white space and has no control characters (C0, DEL, C1:
// a newline in an id would forge a log line). E-mail addresses with `+tags`, base64 ids
// and names in any script pass. It is escaped wherever it is written into JSON.
inline constexpr std::size_t max_user_id_bytes = 255;
bool is_valid_user_id(std::string_view text);

bool is_valid_utf8(std::string_view text);

// Length in Unicode code points of valid UTF-8 text.
std::size_t utf8_length(std::string_view text);

}  // namespace conv::domain
