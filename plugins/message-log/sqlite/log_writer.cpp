#include "log_writer.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include <parley/error.hpp>

#include "log_schema.hpp"

namespace parley::plugins::message_log_sqlite {

namespace {

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t as_int64(std::uint64_t value) {
    return static_cast<std::int64_t>(value);
}

/// Age retention runs at most this often (or as often as the shortest age, when shorter): it
/// is a range delete over an age index, not worth a statement per append.
constexpr std::int64_t kSweepIntervalMs = 60'000;

}  // namespace

LogWriter::LogWriter(std::unique_ptr<Connection> connection, const SqliteLogSettings& settings)
    : connection_(std::move(connection)), settings_(settings), thread_([this] { run(); }) {}

LogWriter::~LogWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void LogWriter::submit(WriteJob job) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back(std::move(job));
            wake_.notify_one();
            return;
        }
    }
    const auto error = std::make_exception_ptr(
        Error(ErrorCode::backend_unavailable, "message-log-sqlite: the log is shutting down"));
    std::visit([&](auto& pending) { pending.done.set_exception(error); }, job);
}

void LogWriter::run() {
    std::vector<WriteJob> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // stopping, and everything queued was written
            }
            const std::size_t take = std::min<std::size_t>(queue_.size(), settings_.max_batch);
            batch.assign(std::make_move_iterator(queue_.begin()),
                         std::make_move_iterator(queue_.begin() + static_cast<long>(take)));
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(take));
        }
        write_batch(batch);
        batch.clear();
    }
}

void LogWriter::write_batch(std::vector<WriteJob>& batch) {
    std::vector<AppendResult> results(batch.size());
    try {
        const std::int64_t now_ms = unix_ms_now();
        connection_->exec("BEGIN IMMEDIATE");
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (const auto* job = std::get_if<AppendJob>(&batch[i])) {
                results[i] = append(*job, now_ms);
            } else {
                acknowledge(std::get<AcknowledgeJob>(batch[i]));
            }
        }
        enforce_max_age(now_ms);
        connection_->exec("COMMIT");
    } catch (...) {
        connection_->rollback();
        streams_.clear();  // the cached seqs may count appends that were rolled back
        const auto error = std::current_exception();
        for (auto& job : batch) {
            std::visit([&](auto& pending) { pending.done.set_exception(error); }, job);
        }
        return;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (auto* job = std::get_if<AppendJob>(&batch[i])) {
            job->done.set_value(results[i]);
        } else {
            std::get<AcknowledgeJob>(batch[i]).done.set_value();
        }
    }
}

LogWriter::Stream& LogWriter::stream(const Conversation& conversation) {
    if (auto it = streams_.find(conversation); it != streams_.end()) {
        return it->second;
    }
    Stream loaded;
    if (const auto row = find_conversation(*connection_, conversation)) {
        loaded.id = row->id;
        loaded.last_seq = row->last_seq;
    } else {
        Statement& insert = connection_->prepare(
            "INSERT INTO conversations(kind, low, high, last_seq) VALUES (?1, ?2, ?3, 0) "
            "RETURNING id");
        insert.bind(1, static_cast<std::int64_t>(conversation.kind))
            .bind(2, conversation.low)
            .bind(3, conversation.high);
        if (!insert.step()) {
            connection_->fail("insert into conversations");
        }
        loaded.id = insert.int64(0);
        insert.run();
    }
    return streams_.emplace(conversation, loaded).first->second;
}

AppendResult LogWriter::append(const AppendJob& job, std::int64_t now_ms) {
    const bool deduplicated = job.client_msg_id != 0 && settings_.dedup_window.count() > 0;
    if (deduplicated) {
        Statement& seen = connection_->prepare(
            "SELECT seq, server_msg_id FROM dedup "
            "WHERE sender = ?1 AND client_msg_id = ?2 AND at_ms > ?3");
        seen.bind(1, job.sender)
            .bind(2, as_int64(job.client_msg_id))
            .bind(3, now_ms - settings_.dedup_window.count());
        if (seen.step()) {
            return AppendResult{seen.uint64(0), seen.uint64(1), true};
        }
    }

    Stream& target = stream(job.conversation);
    const std::uint64_t seq = target.last_seq + 1;
    Statement& insert = connection_->prepare(
        "INSERT INTO messages(conversation, seq, sender, client_msg_id, stored_at_ms, frame) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id");
    insert.bind(1, target.id)
        .bind(2, as_int64(seq))
        .bind(3, job.sender)
        .bind(4, as_int64(job.client_msg_id))
        .bind(5, now_ms)
        .bind(6, job.frame.bytes());
    if (!insert.step()) {
        connection_->fail("insert into messages");
    }
    const AppendResult result{seq, insert.uint64(0), false};
    insert.run();

    connection_->prepare("UPDATE conversations SET last_seq = ?1 WHERE id = ?2")
        .bind(1, as_int64(seq))
        .bind(2, target.id)
        .run();
    target.last_seq = seq;

    if (seq > settings_.max_messages_per_conversation) {
        connection_->prepare("DELETE FROM messages WHERE conversation = ?1 AND seq <= ?2")
            .bind(1, target.id)
            .bind(2, as_int64(seq - settings_.max_messages_per_conversation))
            .run();
    }
    if (deduplicated) {
        connection_
            ->prepare(
                "INSERT OR REPLACE INTO dedup(sender, client_msg_id, seq, server_msg_id, at_ms) "
                "VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(1, job.sender)
            .bind(2, as_int64(job.client_msg_id))
            .bind(3, as_int64(seq))
            .bind(4, as_int64(result.server_msg_id))
            .bind(5, now_ms)
            .run();
    }
    return result;
}

void LogWriter::acknowledge(const AcknowledgeJob& job) {
    connection_
        ->prepare(
            "INSERT INTO positions(user, kind, low, high, acked) VALUES (?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT(user, kind, low, high) DO UPDATE SET acked = MAX(acked, excluded.acked)")
        .bind(1, job.user)
        .bind(2, static_cast<std::int64_t>(job.conversation.kind))
        .bind(3, job.conversation.low)
        .bind(4, job.conversation.high)
        .bind(5, as_int64(job.seq))
        .run();
}

void LogWriter::enforce_max_age(std::int64_t now_ms) {
    if (now_ms < next_sweep_ms_) {
        return;
    }
    std::int64_t interval = kSweepIntervalMs;
    for (const auto age : {settings_.max_age, settings_.dedup_window}) {
        if (age.count() > 0) {
            interval = std::min<std::int64_t>(interval, age.count());
        }
    }
    next_sweep_ms_ = now_ms + interval;
    if (settings_.max_age.count() > 0) {
        connection_->prepare("DELETE FROM messages WHERE stored_at_ms < ?1")
            .bind(1, now_ms - settings_.max_age.count())
            .run();
    }
    if (settings_.dedup_window.count() > 0) {
        connection_->prepare("DELETE FROM dedup WHERE at_ms <= ?1")
            .bind(1, now_ms - settings_.dedup_window.count())
            .run();
    }
}

}  // namespace parley::plugins::message_log_sqlite
