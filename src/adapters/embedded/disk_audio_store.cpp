#include "adapters/embedded/disk_audio_store.hpp"

#include "adapters/embedded/disk_room.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace conv::adapters::embedded {
namespace {

error disk_error(std::string_view what) {
  return make_error(errc::service_unavailable,
                    "audio storage: " + std::string(what) + ": " + std::strerror(errno));
}

class disk_upload : public ports::audio_upload {
 public:
  disk_upload(int fd, std::filesystem::path part, std::filesystem::path final_path,
              std::string session_id, std::string content_type, blocking_pool& pool)
      : fd_(fd),
        part_(std::move(part)),
        final_(std::move(final_path)),
        session_id_(std::move(session_id)),
        content_type_(std::move(content_type)),
        pool_(pool) {}

  ~disk_upload() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(part_.c_str());
  }

  ports::task<void> write(std::span<const char> chunk) override {
    auto job = [this, chunk]() -> result<void> {
      std::size_t done = 0;
      while (done < chunk.size()) {
        const auto n = ::write(fd_, chunk.data() + done, chunk.size() - done);
        if (n < 0) {
          if (errno == EINTR) continue;
          return disk_error("write");
        }
        done += std::size_t(n);
      }
      return {};
    };
    co_return co_await pool_.run(std::move(job));
  }

  ports::task<std::string> commit() override {
    auto job = [this]() -> result<std::string> {
      if (::fdatasync(fd_) != 0) return disk_error("sync");
      ::close(fd_);
      fd_ = -1;
      // link() fails if the target exists: the first upload to commit wins.
      if (::link(part_.c_str(), final_.c_str()) != 0) {
        if (errno == EEXIST)
          return make_error(errc::audio_already_uploaded, "this session already has a recording");
        return disk_error("commit");
      }
      ::unlink(part_.c_str());
      committed_ = true;
      // The content type beside it (written after the recording won: a crash in between
      // leaves a recording served as application/octet-stream, never a lost one).
      auto type_path = final_;
      type_path.replace_extension(".type");
      auto tmp = type_path;
      tmp += ".tmp";
      const int tfd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
      if (tfd >= 0) {
        const bool ok = ::write(tfd, content_type_.data(), content_type_.size()) ==
                        ssize_t(content_type_.size());
        ::close(tfd);
        if (ok) ::rename(tmp.c_str(), type_path.c_str());
      }
      return "/sessions/" + session_id_ + "/audio";
    };
    co_return co_await pool_.run(std::move(job));
  }

 private:
  int fd_;
  std::filesystem::path part_, final_;
  std::string session_id_;
  std::string content_type_;
  blocking_pool& pool_;
  bool committed_ = false;
};

class disk_download : public ports::audio_download {
 public:
  disk_download(int fd, std::uint64_t size, std::string content_type, blocking_pool& pool)
      : fd_(fd), size_(size), content_type_(std::move(content_type)), pool_(pool) {}
  ~disk_download() override { ::close(fd_); }

  std::uint64_t size() const override { return size_; }
  const std::string& content_type() const override { return content_type_; }

  ports::task<std::size_t> read(std::span<char> into) override {
    auto job = [this, into]() -> result<std::size_t> {
      for (;;) {
        const auto n = ::read(fd_, into.data(), into.size());
        if (n >= 0) return std::size_t(n);
        if (errno != EINTR) return disk_error("read");
      }
    };
    co_return co_await pool_.run(std::move(job));
  }

  ports::task<void> seek(std::uint64_t offset) override {
    // Moves the file offset only: no I/O, nothing to take off the I/O thread.
    if (offset > size_ || ::lseek(fd_, off_t(offset), SEEK_SET) < 0) co_return disk_error("seek");
    co_return result<void>{};
  }

 private:
  int fd_;
  std::uint64_t size_;
  std::string content_type_;
  blocking_pool& pool_;
};

}  // namespace

disk_audio_store::disk_audio_store(std::filesystem::path directory, blocking_pool& pool)
    : directory_(std::move(directory)), pool_(pool) {
  std::filesystem::create_directories(directory_);
  // Parts left by a crash mid-upload are garbage: nothing refers to them.
  for (const auto& entry : std::filesystem::directory_iterator(directory_))
    if (entry.path().extension() == ".part") std::filesystem::remove(entry.path());
}

ports::task<std::unique_ptr<ports::audio_upload>> disk_audio_store::begin_upload(
    std::string session_id, std::string content_type) {
  auto job = [this, session_id, content_type]() -> result<std::unique_ptr<ports::audio_upload>> {
    static std::atomic<std::uint64_t> counter{0};
    auto final_path = directory_ / (session_id + ".rec");
    std::error_code ec;
    // A part per upload: concurrent uploads never write into one file.
    auto part = directory_ / (session_id + "." + std::to_string(counter++) + ".part");
    int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0 && errno == ENOENT && std::filesystem::create_directory(directory_, ec))
      fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);  // was removed
    if (fd < 0) return disk_error("create");
    return std::unique_ptr<ports::audio_upload>(std::make_unique<disk_upload>(
        fd, std::move(part), std::move(final_path), session_id, content_type, pool_));
  };
  co_return co_await pool_.run(std::move(job));
}

ports::task<void> disk_audio_store::discard(std::string session_id) {
  auto job = [this, session_id]() -> result<void> {
    for (const char* extension : {".rec", ".type"}) {
      const auto file = directory_ / (session_id + extension);
      if (::unlink(file.c_str()) != 0 && errno != ENOENT) return disk_error("discard");
    }
    return {};
  };
  co_return co_await pool_.run(std::move(job));
}

ports::task<std::vector<std::string>> disk_audio_store::recorded_sessions() {
  auto job = [this]() -> result<std::vector<std::string>> {
    std::vector<std::string> sessions;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(directory_, ec), end; !ec && it != end;
         it.increment(ec))
      if (it->path().extension() == ".rec") sessions.push_back(it->path().stem().string());
    if (ec && ec != std::errc::no_such_file_or_directory)
      return make_error(errc::service_unavailable, "audio storage: " + ec.message());
    return sessions;
  };
  co_return co_await pool_.run(std::move(job));
}

ports::task<void> disk_audio_store::probe() {
  auto job = [this]() -> result<void> {
    // Its own directory only: a data directory removed under the service is not made again
    // behind the operator's back (the store's file went with it).
    std::error_code ec;
    std::filesystem::create_directory(directory_, ec);
    if (ec) return make_error(errc::service_unavailable, "audio storage: " + ec.message());
    const auto file = directory_ / ".probe";
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return disk_error("probe");
    ::close(fd);
    ::unlink(file.c_str());
    return check_room(directory_, "audio storage");
  };
  co_return co_await pool_.run(std::move(job));
}

ports::task<std::unique_ptr<ports::audio_download>> disk_audio_store::open(std::string session_id) {
  auto job = [this, session_id]() -> result<std::unique_ptr<ports::audio_download>> {
    const int fd = ::open((directory_ / (session_id + ".rec")).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return make_error(errc::not_found, "this session has no recording");
      return disk_error("open");
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return disk_error("stat");
    }
    std::string type = "application/octet-stream";
    if (std::ifstream in(directory_ / (session_id + ".type")); in) std::getline(in, type);
    return std::unique_ptr<ports::audio_download>(
        std::make_unique<disk_download>(fd, std::uint64_t(st.st_size), std::move(type), pool_));
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace conv::adapters::embedded
