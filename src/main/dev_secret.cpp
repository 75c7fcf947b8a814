#include "main/dev_secret.hpp"

#include "config/config.hpp"

#include <openssl/rand.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <system_error>
#include <vector>

namespace conv {
namespace {

// Shorter HMAC keys are guessable (the same floor as CONV_JWT_SECRET's).
constexpr std::size_t min_secret_bytes = 32;

// Nullopt when there is no such file. (Told by the open's own errno: asking exists() after
// a failed open would race with another process publishing the file in between.)
std::optional<std::string> read_whole(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw std::system_error(errno, std::generic_category(), "cannot read " + path.string());
  }
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
    text.append(buffer, std::size_t(n));
  const int error = errno;
  ::close(fd);
  if (n < 0)
    throw std::system_error(error, std::generic_category(), "cannot read " + path.string());
  return text;
}

// A secret file is only ever published whole (below), so a short one was not written by
// this version: an older one that crashed between creating and writing it, or a hand. It is
// refused rather than replaced: another process may be using it, and replacing it under
// that process would leave the two signing with different keys.
std::string usable(const std::filesystem::path& path, std::string secret) {
  if (secret.size() < min_secret_bytes)
    throw config::config_error(
        "CONV_DATA_DIR: " + path.string() + " holds " + std::to_string(secret.size()) +
        " bytes, expected a secret of at least 32; delete the file to have a new one made "
        "(development tokens signed with the old one stop working)");
  return secret;
}

std::string random_secret() {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1)
    throw std::runtime_error("no randomness for the dev secret");
  std::string secret;
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned char b : raw) {
    secret += hex[b >> 4];
    secret += hex[b & 15];
  }
  return secret;
}

// Writes the secret to a temporary file beside `path`, then links it to `path`: the name
// appears with the whole secret or not at all, so neither a crash nor a concurrent reader
// (the server, mint-token) ever finds it empty or partial. link() rather than rename():
// rename() replaces, and of two processes creating the secret at once each would believe its
// own secret is the one on disk. False when another process published first.
bool publish(const std::filesystem::path& path, const std::string& secret) {
  const auto pattern = path.string() + ".XXXXXX";
  std::vector<char> temp(pattern.begin(), pattern.end());
  temp.push_back('\0');
  const int fd = ::mkstemp(temp.data());  // mode 0600
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + pattern);
  struct temporary_name {
    const char* name;
    ~temporary_name() { ::unlink(name); }
  } remove_after{temp.data()};
  const bool written = ::write(fd, secret.data(), secret.size()) == ssize_t(secret.size()) &&
                       ::fsync(fd) == 0;  // on disk before the name points at it
  ::close(fd);
  if (!written) throw std::system_error(errno, std::generic_category(), "cannot write " + pattern);
  if (::link(temp.data(), path.c_str()) == 0) return true;
  if (errno == EEXIST) return false;
  throw std::system_error(errno, std::generic_category(), "cannot create " + path.string());
}

}  // namespace

std::string load_or_create_dev_secret(const std::filesystem::path& data_dir) {
  const auto path = data_dir / "dev-jwt-secret";
  if (auto existing = read_whole(path)) return usable(path, std::move(*existing));
  auto secret = random_secret();
  if (publish(path, secret)) return secret;
  // Another process published first; its file is whole.
  auto theirs = read_whole(path);
  if (!theirs) throw std::runtime_error(path.string() + " vanished as it was created");
  return usable(path, std::move(*theirs));
}

}  // namespace conv
