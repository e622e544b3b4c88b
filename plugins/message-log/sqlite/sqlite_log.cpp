#include "sqlite_log.hpp"

#include <exception>
#include <utility>

#include <parley/error.hpp>
#include <parley/foreign_completion.hpp>

#include "log_reader.hpp"
#include "log_schema.hpp"
#include "log_writer.hpp"

namespace parley::plugins::message_log_sqlite {

SqliteLog::SqliteLog(const SqliteLogSettings& settings) {
    auto write_connection = std::make_unique<Connection>(settings.path, settings.sync_full);
    epoch_ = open_schema(*write_connection);
    writer_ = std::make_unique<LogWriter>(std::move(write_connection), settings);
    reader_ = std::make_unique<LogReader>(
        LogQueries(std::make_unique<Connection>(settings.path, settings.sync_full), epoch_));
}

// The reader goes first: no query runs once the writer stops.
SqliteLog::~SqliteLog() {
    reader_.reset();
    writer_.reset();
}

template <typename T, typename Query>
asio::awaitable<T> SqliteLog::query(Query query) {
    return await_foreign<T>([this, query = std::move(query)](Completer<T> done) mutable {
        const bool queued = reader_->post([query = std::move(query), done](LogQueries& queries) {
            try {
                done.set_value(query(queries));
            } catch (...) {
                done.set_exception(std::current_exception());
            }
        });
        if (!queued) {
            done.set_exception(std::make_exception_ptr(Error(
                ErrorCode::backend_unavailable, "message-log-sqlite: the log is shutting down")));
        }
    });
}

asio::awaitable<AppendResult> SqliteLog::append(Conversation conversation, UserId sender,
                                                std::uint64_t client_msg_id, Frame frame) {
    // Named, not a temporary inside co_await: GCC 12 destroys such a temporary twice, and this
    // one owns the frame.
    auto submit = [this, conversation, sender, client_msg_id,
                   frame = std::move(frame)](Completer<AppendResult> done) mutable {
        writer_->submit(AppendJob{conversation, sender, client_msg_id, std::move(frame), done});
    };
    AppendResult result = co_await await_foreign<AppendResult>(std::move(submit));
    result.epoch = epoch_;
    co_return result;
}

asio::awaitable<void> SqliteLog::acknowledge(UserId user, Conversation conversation,
                                             std::uint64_t seq) {
    return await_foreign<void>([this, user, conversation, seq](Completer<void> done) {
        writer_->submit(AcknowledgeJob{user, conversation, seq, done});
    });
}

asio::awaitable<MessagePage> SqliteLog::read(Conversation conversation, std::uint64_t after,
                                             std::uint32_t limit) {
    return query<MessagePage>([conversation, after, limit](LogQueries& queries) {
        return queries.read(conversation, after, limit);
    });
}

asio::awaitable<MessagePage> SqliteLog::read_back(Conversation conversation, std::uint64_t before,
                                                  std::uint32_t limit) {
    return query<MessagePage>([conversation, before, limit](LogQueries& queries) {
        return queries.read_back(conversation, before, limit);
    });
}

asio::awaitable<std::vector<StreamPosition>> SqliteLog::positions(UserId user,
                                                                  std::vector<GroupId> groups) {
    return query<std::vector<StreamPosition>>(
        [user, groups = std::move(groups)](LogQueries& queries) {
            return queries.positions(user, groups);
        });
}

}  // namespace parley::plugins::message_log_sqlite
