#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <parley/message_log.hpp>

#include "sqlite_connection.hpp"

namespace parley::plugins::message_log_sqlite {

/// The queries, on a read connection of their own: in WAL mode they see the last commit and
/// never wait for the writer's fsync.
class LogQueries {
  public:
    LogQueries(std::unique_ptr<Connection> connection, std::uint64_t epoch);

    MessagePage read(const Conversation& conversation, std::uint64_t after, std::uint32_t limit);
    MessagePage read_back(const Conversation& conversation, std::uint64_t before,
                          std::uint32_t limit);
    std::vector<StreamPosition> positions(UserId user, const std::vector<GroupId>& groups);

  private:
    struct Bounds {
        std::int64_t id = 0;  ///< conversations.id; 0: the stream never had a message
        std::uint64_t first_seq = 1;
        std::uint64_t last_seq = 0;
    };
    Bounds bounds(const Conversation& conversation);
    std::uint64_t first_seq(std::int64_t id, std::uint64_t last_seq);
    std::uint64_t acked(UserId user, const Conversation& conversation);
    MessagePage page(const Bounds& bounds) const;
    void read_rows(Statement& select, MessagePage& page);

    std::unique_ptr<Connection> connection_;
    const std::uint64_t epoch_;
};

/// One thread running queries in order, so no SQLite call runs on an event loop.
class LogReader {
  public:
    explicit LogReader(LogQueries queries);
    /// Runs what is queued, then stops the thread.
    ~LogReader();
    LogReader(const LogReader&) = delete;
    LogReader& operator=(const LogReader&) = delete;

    /// Runs `job` on the thread; false (and `job` not run) once the reader is stopping.
    bool post(std::function<void(LogQueries&)> job);

  private:
    void run();

    LogQueries queries_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void(LogQueries&)>> queue_;
    bool stopping_ = false;
    std::thread thread_;  ///< last: starts once everything above exists
};

}  // namespace parley::plugins::message_log_sqlite
