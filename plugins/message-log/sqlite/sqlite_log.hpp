#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <parley/message_log.hpp>

#include "sqlite_settings.hpp"

namespace parley::plugins::message_log_sqlite {

// The threads behind the log; their headers stay out of whatever includes this one.
class LogWriter;
class LogReader;

/// The MessageLog in one SQLite file (WAL mode): every acknowledged append and position
/// survives a restart. Writes go to the LogWriter thread, queries to the LogReader thread; the
/// caller's coroutine waits on its own executor, which no SQLite call ever blocks.
class SqliteLog final : public MessageLog {
  public:
    /// Opens or creates the database and its schema on the calling thread (start-up); throws
    /// parley::Error(backend_unavailable) when the file cannot be a log.
    explicit SqliteLog(const SqliteLogSettings& settings);
    ~SqliteLog() override;

    asio::awaitable<AppendResult> append(Conversation conversation, UserId sender,
                                         std::uint64_t client_msg_id, Frame frame) override;
    /// An append joins the writer's one queue before append() suspends, and the writer stores
    /// the queue in order (a resend of an id queued before it finds that one's dedup record).
    bool keeps_append_order() const noexcept override { return true; }
    asio::awaitable<MessagePage> read(Conversation conversation, std::uint64_t after,
                                      std::uint32_t limit) override;
    asio::awaitable<MessagePage> read_back(Conversation conversation, std::uint64_t before,
                                           std::uint32_t limit) override;
    asio::awaitable<void> acknowledge(UserId user, Conversation conversation,
                                      std::uint64_t seq) override;
    asio::awaitable<std::vector<StreamPosition>> positions(UserId user,
                                                           std::vector<GroupId> groups) override;

    std::uint64_t epoch() const noexcept { return epoch_; }

  private:
    /// Runs `query(LogQueries&) -> T` on the reader thread and awaits its result.
    template <typename T, typename Query>
    asio::awaitable<T> query(Query query);

    std::uint64_t epoch_ = 0;
    // The writer goes first: it creates the schema the reader's connection expects, and it is
    // destroyed last, after no query can be running.
    std::unique_ptr<LogWriter> writer_;
    std::unique_ptr<LogReader> reader_;
};

}  // namespace parley::plugins::message_log_sqlite
