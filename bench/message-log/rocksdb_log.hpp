#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <parley/foreign_completion.hpp>
#include <parley/message_log.hpp>

namespace rocksdb {
class DB;
}

namespace parley::bench {

/// The part of a message log the benchmark measures, on RocksDB: appends committed by one
/// writer thread in batches (one WriteBatch, sync=true, per batch) and range reads. It does
/// less than the SQLite log (no dedup, retention or positions), which can only favour it.
class RocksdbLog final : public MessageLog {
  public:
    explicit RocksdbLog(const std::string& path);
    ~RocksdbLog() override;

    asio::awaitable<AppendResult> append(Conversation conversation, UserId sender,
                                         std::uint64_t client_msg_id, Frame frame) override;
    /// Reads on the caller's thread: the benchmark calls it from a thread of its own.
    asio::awaitable<MessagePage> read(Conversation conversation, std::uint64_t after,
                                      std::uint32_t limit) override;
    asio::awaitable<MessagePage> read_back(Conversation, std::uint64_t, std::uint32_t) override;
    asio::awaitable<void> acknowledge(UserId, Conversation, std::uint64_t) override;
    asio::awaitable<std::vector<StreamPosition>> positions(UserId, std::vector<GroupId>) override;

  private:
    struct Job {
        Conversation conversation;
        Frame frame;
        Completer<AppendResult> done;
    };
    void run();

    std::unique_ptr<rocksdb::DB> db_;
    std::map<Conversation, std::uint64_t> last_seq_;  ///< the writer thread's
    std::uint64_t next_id_ = 1;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Job> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace parley::bench
