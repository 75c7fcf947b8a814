// The contract suites, instantiated for the embedded adapters.
#include "adapters/embedded/disk_audio_store.hpp"
#include "adapters/embedded/jsonl_event_sink.hpp"
#include "adapters/embedded/memory_match_queue.hpp"
#include "adapters/embedded/sqlite_conversation_store.hpp"
#include "adapters/embedded/sqlite_topic_store.hpp"
#include "audio_store_contract.hpp"
#include "conversation_store_contract.hpp"
#include "event_sink_contract.hpp"
#include "match_queue_contract.hpp"
#include "topic_store_contract.hpp"

#include <fstream>

namespace conv::contract {
namespace {

struct embedded_store : store_handle {
  explicit embedded_store(const std::filesystem::path& dir)
      : db(adapters::embedded::sqlite_database::open(dir / "conversation.db")), adapter(*db) {}
  ports::conversation_store& store() override { return adapter; }
  std::unique_ptr<adapters::embedded::sqlite_database> db;
  adapters::embedded::sqlite_conversation_store adapter;
};

struct embedded_audio : audio_store_handle {
  explicit embedded_audio(const std::filesystem::path& dir) : adapter(dir / "audio", pool) {}
  ports::audio_store& store() override { return adapter; }
  blocking_pool pool{2};
  adapters::embedded::disk_audio_store adapter;
};

INSTANTIATE_TEST_SUITE_P(
    Embedded, AudioStoreContract,
    ::testing::Values(audio_store_factory([](const std::filesystem::path& dir) {
      return std::make_unique<embedded_audio>(dir);
    })));

struct embedded_sink : event_sink_handle {
  explicit embedded_sink(const std::filesystem::path& dir)
      : file(dir / "events.jsonl"), adapter(file, pool) {}
  ports::event_sink& sink() override { return adapter; }
  std::vector<boost::json::object> accepted() override {
    std::vector<boost::json::object> lines;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
      lines.push_back(boost::json::parse(line).as_object());
    return lines;
  }
  std::filesystem::path file;
  blocking_pool pool{2};
  adapters::embedded::jsonl_event_sink adapter;
};

INSTANTIATE_TEST_SUITE_P(Embedded, EventSinkContract,
                         ::testing::Values(event_sink_factory([](const std::filesystem::path& dir) {
                           return std::make_unique<embedded_sink>(dir);
                         })));

INSTANTIATE_TEST_SUITE_P(Embedded, MatchQueueContract, ::testing::Values(queue_factory([] {
                           return std::make_unique<adapters::embedded::memory_match_queue>();
                         })));

INSTANTIATE_TEST_SUITE_P(Embedded, ConversationStoreContract,
                         ::testing::Values(store_factory([](const std::filesystem::path& dir) {
                           return std::make_unique<embedded_store>(dir);
                         })));

struct embedded_topics : topic_store_handle {
  explicit embedded_topics(const std::filesystem::path& dir)
      : db(adapters::embedded::sqlite_database::open(dir / "conversation.db")), adapter(*db) {}
  ports::topic_store& store() override { return adapter; }
  std::unique_ptr<adapters::embedded::sqlite_database> db;
  adapters::embedded::sqlite_topic_store adapter;
};

INSTANTIATE_TEST_SUITE_P(
    Embedded, TopicStoreContract,
    ::testing::Values(topic_store_factory([](const std::filesystem::path& dir) {
      return std::make_unique<embedded_topics>(dir);
    })));

}  // namespace
}  // namespace conv::contract
