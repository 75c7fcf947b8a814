#pragma once
// ports::audio_store on the local disk: a `.part` file per upload while it streams, linked
// on commit to `<dir>/<session>.rec` (link() never overwrites: of two concurrent uploads
// exactly one wins) with its content type in `<session>.type`; a failed upload leaves
// nothing behind.
#include "common/blocking_pool.hpp"
#include "ports/audio_store.hpp"

#include <filesystem>

namespace conv::adapters::embedded {

class disk_audio_store : public ports::audio_store {
 public:
  disk_audio_store(std::filesystem::path directory, blocking_pool& pool);

  ports::task<std::unique_ptr<ports::audio_upload>> begin_upload(std::string session_id,
                                                                 std::string content_type) override;
  ports::task<std::unique_ptr<ports::audio_download>> open(std::string session_id) override;
  ports::task<void> discard(std::string session_id) override;
  ports::task<std::vector<std::string>> recorded_sessions() override;
  // Creates and removes a file in the directory (making the directory again if only it is gone),
  // and asks whether the disk has room for uploads.
  ports::task<void> probe() override;

 private:
  std::filesystem::path directory_;
  blocking_pool& pool_;
};

}  // namespace conv::adapters::embedded
