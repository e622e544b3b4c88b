#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include <parley/foreign_completion.hpp>
#include <parley/message_log.hpp>

#include "sqlite_connection.hpp"
#include "sqlite_settings.hpp"

namespace parley::plugins::message_log_sqlite {

struct AppendJob {
    Conversation conversation;
    UserId sender = kNoUser;
    std::uint64_t client_msg_id = 0;
    Frame frame;
    Completer<AppendResult> done;
};

struct AcknowledgeJob {
    UserId user = kNoUser;
    Conversation conversation;
    std::uint64_t seq = 0;
    Completer<void> done;
};

using WriteJob = std::variant<AppendJob, AcknowledgeJob>;

/// The one thread that writes the database. Jobs from every loop queue up; the thread takes all
/// that are waiting (up to max_batch) into one transaction and one fsync (group commit) and
/// completes each job only after its transaction committed. When a commit fails, every job of
/// the batch fails and nothing of it is stored.
class LogWriter {
  public:
    /// Takes over `connection`, whose schema is open, and starts the thread.
    LogWriter(std::unique_ptr<Connection> connection, const SqliteLogSettings& settings);
    /// Commits what is queued, then stops the thread.
    ~LogWriter();
    LogWriter(const LogWriter&) = delete;
    LogWriter& operator=(const LogWriter&) = delete;

    void submit(WriteJob job);

  private:
    struct Stream {
        std::int64_t id = 0;  ///< conversations.id
        std::uint64_t last_seq = 0;
    };

    void run();
    void write_batch(std::vector<WriteJob>& batch);
    AppendResult append(const AppendJob& job, std::int64_t now_ms);
    void acknowledge(const AcknowledgeJob& job);
    Stream& stream(const Conversation& conversation);
    void enforce_max_age(std::int64_t now_ms);

    std::unique_ptr<Connection> connection_;
    const SqliteLogSettings settings_;

    // Owned by the thread: the last seq per stream, loaded lazily, dropped after a failed batch.
    std::map<Conversation, Stream> streams_;
    std::int64_t next_sweep_ms_ = 0;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<WriteJob> queue_;
    bool stopping_ = false;
    std::thread thread_;  ///< last: starts once everything above exists
};

}  // namespace parley::plugins::message_log_sqlite
