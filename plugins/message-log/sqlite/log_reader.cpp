#include "log_reader.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "log_schema.hpp"

namespace parley::plugins::message_log_sqlite {

namespace {

Frame copy_frame(std::span<const std::uint8_t> bytes, std::string_view path) {
    if (bytes.size() < kFrameHeaderSize) {
        fail_with(path, "read", "a stored frame is shorter than a frame header");
    }
    Frame frame = Frame::allocate(static_cast<std::uint32_t>(bytes.size() - kFrameHeaderSize));
    std::memcpy(frame.mutable_bytes().data(), bytes.data(), bytes.size());
    return frame;
}

/// Ends the read transaction however the query ends, so the WAL can be checkpointed.
class ReadTransaction {
  public:
    explicit ReadTransaction(Connection& connection) : connection_(connection) {
        connection_.exec("BEGIN");
    }
    ~ReadTransaction() { connection_.rollback(); }
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;

  private:
    Connection& connection_;
};

}  // namespace

LogQueries::LogQueries(std::unique_ptr<Connection> connection, std::uint64_t epoch)
    : connection_(std::move(connection)), epoch_(epoch) {}

std::uint64_t LogQueries::first_seq(std::int64_t id, std::uint64_t last_seq) {
    Statement& select =
        connection_->prepare("SELECT MIN(seq) FROM messages WHERE conversation = ?1");
    select.bind(1, id);
    if (!select.step() || select.is_null(0)) {
        return last_seq + 1;  // retention removed every message
    }
    return select.uint64(0);
}

LogQueries::Bounds LogQueries::bounds(const Conversation& conversation) {
    Bounds found;
    if (const auto row = find_conversation(*connection_, conversation)) {
        found.id = row->id;
        found.last_seq = row->last_seq;
        found.first_seq = first_seq(found.id, found.last_seq);
    }
    return found;
}

std::uint64_t LogQueries::acked(UserId user, const Conversation& conversation) {
    Statement& select = connection_->prepare(
        "SELECT acked FROM positions WHERE user = ?1 AND kind = ?2 AND low = ?3 AND high = ?4");
    select.bind(1, user)
        .bind(2, static_cast<std::int64_t>(conversation.kind))
        .bind(3, conversation.low)
        .bind(4, conversation.high);
    return select.step() ? select.uint64(0) : 0;
}

MessagePage LogQueries::page(const Bounds& bounds) const {
    MessagePage page;
    page.epoch = epoch_;
    page.first_seq = bounds.first_seq;
    page.last_seq = bounds.last_seq;
    return page;
}

void LogQueries::read_rows(Statement& select, MessagePage& page) {
    while (select.step()) {
        page.messages.push_back(StoredMessage{
            select.uint64(0), select.uint64(1), static_cast<UserId>(select.int64(2)),
            select.uint64(3), select.int64(4), copy_frame(select.blob(5), connection_->path())});
    }
}

MessagePage LogQueries::read(const Conversation& conversation, std::uint64_t after,
                             std::uint32_t limit) {
    ReadTransaction transaction(*connection_);
    const Bounds found = bounds(conversation);
    MessagePage result = page(found);
    if (found.id != 0 && limit > 0) {
        Statement& select = connection_->prepare(
            "SELECT seq, id, sender, client_msg_id, stored_at_ms, frame FROM messages "
            "WHERE conversation = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
        select.bind(1, found.id).bind(2, static_cast<std::int64_t>(after)).bind(3, limit);
        read_rows(select, result);
    }
    return result;
}

MessagePage LogQueries::read_back(const Conversation& conversation, std::uint64_t before,
                                  std::uint32_t limit) {
    ReadTransaction transaction(*connection_);
    const Bounds found = bounds(conversation);
    MessagePage result = page(found);
    if (found.id != 0 && limit > 0) {
        const std::uint64_t end = before == 0 ? found.last_seq + 1 : before;
        Statement& select = connection_->prepare(
            "SELECT seq, id, sender, client_msg_id, stored_at_ms, frame FROM messages "
            "WHERE conversation = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3");
        select.bind(1, found.id).bind(2, static_cast<std::int64_t>(end)).bind(3, limit);
        read_rows(select, result);
    }
    return result;
}

std::vector<StreamPosition> LogQueries::positions(UserId user, const std::vector<GroupId>& groups) {
    ReadTransaction transaction(*connection_);
    std::vector<Conversation> wanted;
    // Two index lookups (kind, low) and (kind, high): the user is either end of a direct chat.
    Statement& direct = connection_->prepare(
        "SELECT low, high FROM conversations WHERE kind = ?1 AND low = ?2 "
        "UNION SELECT low, high FROM conversations WHERE kind = ?1 AND high = ?2");
    direct.bind(1, static_cast<std::int64_t>(Conversation::Kind::direct)).bind(2, user);
    while (direct.step()) {
        wanted.push_back(Conversation{Conversation::Kind::direct,
                                      static_cast<std::uint32_t>(direct.int64(0)),
                                      static_cast<std::uint32_t>(direct.int64(1))});
    }
    for (const GroupId group : groups) {
        wanted.push_back(Conversation::group(group));
    }
    // Groups the user has a position in (a join sets one).
    Statement& joined =
        connection_->prepare("SELECT low FROM positions WHERE user = ?1 AND kind = ?2");
    joined.bind(1, static_cast<std::int64_t>(user))
        .bind(2, static_cast<std::int64_t>(Conversation::Kind::group));
    while (joined.step()) {
        wanted.push_back(Conversation::group(static_cast<GroupId>(joined.int64(0))));
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    std::vector<StreamPosition> found;
    found.reserve(wanted.size());
    for (const Conversation& conversation : wanted) {
        const Bounds stream = bounds(conversation);
        found.push_back(StreamPosition{conversation, epoch_, stream.first_seq, stream.last_seq,
                                       acked(user, conversation)});
    }
    return found;
}

LogReader::LogReader(LogQueries queries)
    : queries_(std::move(queries)), thread_([this] { run(); }) {}

LogReader::~LogReader() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

bool LogReader::post(std::function<void(LogQueries&)> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return false;
        }
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void LogReader::run() {
    for (;;) {
        std::function<void(LogQueries&)> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;
            }
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job(queries_);
    }
}

}  // namespace parley::plugins::message_log_sqlite
