#include "domain/validation.hpp"

#include <algorithm>

namespace conv::domain {

namespace {

// The 184 two-letter codes of ISO 639-1 (as Debian's iso-codes lists them), in order, two
// letters each, a line per first letter.
constexpr std::string_view iso_639_1 =
    "aaabaeafakamanarasavayaz"
    "babebgbhbibmbnbobrbs"
    "cacechcocrcscucvcy"
    "dadedvdz"
    "eeeleneoeseteu"
    "fafffifjfofrfy"
    "gagdglgngugv"
    "hahehihohrhthuhyhz"
    "iaidieigiiikioisitiu"
    "jajv"
    "kakgkikjkkklkmknkokrkskukvkwky"
    "lalblglilnloltlulv"
    "mgmhmimkmlmnmrmsmtmy"
    "nanbndnengnlnnnonrnvny"
    "ocojomoros"
    "papiplpspt"
    "qu"
    "rmrnrorurw"
    "sascsdsesgsiskslsmsnsosqsrssstsusvsw"
    "tatetgthtitktltntotrtstttwty"
    "ugukuruz"
    "vevivo"
    "wawo"
    "xh"
    "yiyo"
    "zazhzu";

bool is_iso_639_1(std::string_view code) {
  std::size_t low = 0, high = iso_639_1.size() / 2;
  while (low < high) {
    const auto mid = (low + high) / 2;
    const auto here = iso_639_1.substr(mid * 2, 2);
    if (here == code) return true;
    if (here < code)
      low = mid + 1;
    else
      high = mid;
  }
  return false;
}

}  // namespace

bool is_language_code(std::string_view text) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!is_iso_639_1(text.substr(0, 2))) return false;
  const auto region = text.substr(std::min<std::size_t>(text.size(), 2));
  if (region.empty()) return true;
  // A BCP 47 region: two capital letters (ISO 3166-1, "pt-BR") or three digits (UN M.49,
  // "es-419").
  if (region[0] != '-') return false;
  if (region.size() == 3) return upper(region[1]) && upper(region[2]);
  return region.size() == 4 && digit(region[1]) && digit(region[2]) && digit(region[3]);
}

bool is_safe_id(std::string_view text) {
  if (text.empty() || text.size() > max_id_length) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '@' || c == ':' || c == '|';
    if (!ok) return false;
  }
  return true;
}

bool is_valid_user_id(std::string_view text) {
  if (text.empty() || text.size() > max_user_id_bytes || !is_valid_utf8(text)) return false;
  bool only_space = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    // C1 controls, U+0080 to U+009F, are 0xC2 0x80 to 0xC2 0x9F in UTF-8.
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f)
      return false;
    only_space = only_space && c == ' ';
  }
  return !only_space;
}

bool is_valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned min;
    unsigned cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++count;
  return count;
}

}  // namespace conv::domain
