#include "transport/static_files.hpp"

#include "transport/http_text.hpp"

#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

namespace conv::transport {
namespace {

constexpr std::size_t max_total_bytes = 64 * 1024 * 1024;

std::string content_type_of(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".map") return "application/json";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

static_files::static_files(const std::filesystem::path& root) {
  std::size_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    // A link could name any file of the machine (and relative() would resolve it to a path
    // outside the root, served as such): only the root's own regular files are served.
    if (entry.is_symlink() || !entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    file f{body.str(), content_type_of(entry.path()), {}, false};
    total += f.body.size();
    if (total > max_total_bytes)
      throw std::runtime_error("CONV_WEB_ROOT: expected at most 64 MiB of files");
    f.etag = fmt::format("\"{:x}\"", std::hash<std::string>{}(f.body));
    auto rel = "/" + entry.path().lexically_relative(root).generic_string();
    f.immutable = rel.starts_with("/assets/");
    files_.emplace(std::move(rel), std::move(f));
  }
}

const static_files::file* static_files::find(std::string_view path) const {
  const std::string key = path == "/" ? std::string("/index.html") : std::string(path);
  auto it = files_.find(key);
  return it == files_.end() ? nullptr : &it->second;
}

bool static_files::serves(std::string_view path) const {
  return find(path) != nullptr;
}

namespace {

// If-None-Match: "*" or a list of entity tags, compared weakly (RFC 9110 §13.1.2: a W/
// prefix does not matter).
bool matches_any(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    auto tag = trim_ows(if_none_match.substr(0, comma));
    if_none_match = comma == std::string_view::npos ? "" : if_none_match.substr(comma + 1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

}  // namespace

string_response static_files::respond(const string_request& req) const {
  const auto target = req.target();
  const auto* f = find(target.substr(0, target.find('?')));
  string_response res{http::status::ok, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(http::field::content_type, f->content_type);
  res.set(http::field::etag, f->etag);
  res.set(http::field::cache_control,
          f->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  if (f->content_type.starts_with("text/html")) {
    res.set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    res.set("X-Frame-Options", "DENY");
  }
  if (matches_any(req[http::field::if_none_match], f->etag)) {
    // No Content-Length: in a 304 it would have to be the 200's (RFC 9110 §8.6).
    res.result(http::status::not_modified);
    return res;
  }
  res.body() = f->body;
  res.prepare_payload();
  return res;
}

}  // namespace conv::transport
