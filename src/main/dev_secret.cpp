#include "main/dev_secret.hpp"

#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace conv {

std::string load_or_create_dev_secret(const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  const auto path = data_dir / "dev-jwt-secret";
  if (std::ifstream in(path); in) {
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().size() >= 32) return text.str();
  }
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1)
    throw std::runtime_error("no randomness for the dev secret");
  std::string secret;
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned char b : raw) {
    secret += hex[b >> 4];
    secret += hex[b & 15];
  }
  // O_EXCL: if two processes race, one writes and both then read the winner's secret.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd >= 0) {
    const bool ok = ::write(fd, secret.data(), secret.size()) == ssize_t(secret.size());
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write " + path.string());
    return secret;
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace conv
