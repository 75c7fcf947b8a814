#pragma once
// The web client's files (web/dist), loaded into memory at start so that serving them never
// touches the disk on an I/O thread. Strict Content-Security-Policy on every page.
#include "transport/http_types.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

namespace conv::transport {

class static_files {
 public:
  // Loads every file under `root` (bounded: at most 64 MiB in all).
  explicit static_files(const std::filesystem::path& root);

  bool serves(std::string_view path) const;
  string_response respond(const string_request& req) const;
  std::size_t file_count() const { return files_.size(); }

 private:
  struct file {
    std::string body;
    std::string content_type;
    std::string etag;
    bool immutable = false;  // content-hashed asset names may be cached for a year
  };
  const file* find(std::string_view path) const;
  std::unordered_map<std::string, file> files_;
};

}  // namespace conv::transport
