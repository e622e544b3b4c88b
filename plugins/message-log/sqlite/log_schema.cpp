#include "log_schema.hpp"

#include <random>
#include <string>
#include <string_view>

namespace parley::plugins::message_log_sqlite {

namespace {

constexpr std::int64_t kSchemaVersion = 1;

// conversations: one row per stream that ever had a message; last_seq survives retention.
// messages: server_msg_id is the AUTOINCREMENT id, so it is never reused even after retention
// removed the newest row. dedup: the first append of each (sender, client_msg_id).
// positions: what each user acknowledged, keyed by the conversation's own columns so an
// acknowledgement never creates a stream.
constexpr const char* kCreateTables = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS conversations(
    id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL,
    last_seq INTEGER NOT NULL, UNIQUE(kind, low, high));
CREATE INDEX IF NOT EXISTS conversations_by_high ON conversations(kind, high);
CREATE TABLE IF NOT EXISTS messages(
    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation INTEGER NOT NULL, seq INTEGER NOT NULL,
    sender INTEGER NOT NULL, client_msg_id INTEGER NOT NULL, stored_at_ms INTEGER NOT NULL,
    frame BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_seq ON messages(conversation, seq);
CREATE INDEX IF NOT EXISTS messages_by_age ON messages(stored_at_ms);
CREATE TABLE IF NOT EXISTS dedup(
    sender INTEGER NOT NULL, client_msg_id INTEGER NOT NULL, seq INTEGER NOT NULL,
    server_msg_id INTEGER NOT NULL, at_ms INTEGER NOT NULL,
    PRIMARY KEY(sender, client_msg_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_by_age ON dedup(at_ms);
CREATE TABLE IF NOT EXISTS positions(
    user INTEGER NOT NULL, kind INTEGER NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL,
    acked INTEGER NOT NULL, PRIMARY KEY(user, kind, low, high)) WITHOUT ROWID;
)sql";

std::int64_t random_epoch() {
    std::random_device device;
    std::uint64_t epoch = 0;
    while (epoch == 0) {  // 0 reads as "no epoch" to a client
        epoch = (std::uint64_t{device()} << 32) | device();
    }
    return static_cast<std::int64_t>(epoch);
}

/// The value of a meta row; `select` is a literal query for it, `name` what it is called.
std::int64_t meta_value(Connection& connection, const char* select, std::string_view name) {
    Statement& statement = connection.prepare(select);
    if (!statement.step()) {
        fail_with(connection.path(), "open", "no " + std::string{name} + " in table meta");
    }
    return statement.int64(0);
}

}  // namespace

std::uint64_t open_schema(Connection& connection) {
    connection.exec("BEGIN IMMEDIATE");
    try {
        connection.exec(kCreateTables);
        Statement& insert =
            connection.prepare("INSERT OR IGNORE INTO meta(key, value) VALUES ('epoch', ?1)");
        insert.bind(1, random_epoch()).run();
        Statement& schema =
            connection.prepare("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?1)");
        schema.bind(1, kSchemaVersion).run();
        connection.exec("COMMIT");
    } catch (...) {
        connection.rollback();
        throw;
    }
    const std::int64_t version =
        meta_value(connection, "SELECT value FROM meta WHERE key = 'schema'", "schema version");
    if (version != kSchemaVersion) {
        fail_with(connection.path(), "open",
                  "schema version " + std::to_string(version) + ", this plugin reads " +
                      std::to_string(kSchemaVersion));
    }
    return static_cast<std::uint64_t>(
        meta_value(connection, "SELECT value FROM meta WHERE key = 'epoch'", "epoch"));
}

std::optional<ConversationRow> find_conversation(Connection& connection,
                                                 const Conversation& conversation) {
    Statement& select = connection.prepare(
        "SELECT id, last_seq FROM conversations WHERE kind = ?1 AND low = ?2 AND high = ?3");
    select.bind(1, static_cast<std::int64_t>(conversation.kind))
        .bind(2, conversation.low)
        .bind(3, conversation.high);
    if (!select.step()) {
        return std::nullopt;
    }
    const ConversationRow row{select.int64(0), select.uint64(1)};
    select.reset();  // a statement left on a row would hold its read transaction open
    return row;
}

}  // namespace parley::plugins::message_log_sqlite
