#include "sqlite_connection.hpp"

#include <sqlite3.h>

#include <parley/error.hpp>

namespace parley::plugins::message_log_sqlite {

void fail_with(std::string_view path, std::string_view what, std::string_view reason) {
    throw Error(ErrorCode::backend_unavailable, "message-log-sqlite: " + std::string{path} + ": " +
                                                    std::string{what} + ": " + std::string{reason});
}

void Statement::Finalize::operator()(sqlite3_stmt* statement) const noexcept {
    sqlite3_finalize(statement);
}

Statement::Statement(sqlite3* db, sqlite3_stmt* statement, std::string_view path)
    : db_(db), statement_(statement), path_(path) {}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(statement_.get(), index, value) != SQLITE_OK) {
        fail_with(path_, "bind", sqlite3_errmsg(db_));
    }
    return *this;
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
    if (sqlite3_bind_blob64(statement_.get(), index, blob.data(), blob.size(), SQLITE_STATIC) !=
        SQLITE_OK) {
        fail_with(path_, "bind", sqlite3_errmsg(db_));
    }
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(statement_.get());
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    const std::string reason = sqlite3_errmsg(db_);
    sqlite3_reset(statement_.get());
    fail_with(path_, sqlite3_sql(statement_.get()), reason);
}

void Statement::run() {
    while (step()) {
    }
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(statement_.get(), column);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

std::span<const std::uint8_t> Statement::blob(int column) const {
    const void* data = sqlite3_column_blob(statement_.get(), column);
    const int size = sqlite3_column_bytes(statement_.get(), column);
    return {static_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)};
}

void Statement::reset() {
    sqlite3_reset(statement_.get());
    sqlite3_clear_bindings(statement_.get());
}

Connection::Connection(std::string path, bool sync_full) : path_(std::move(path)) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        const std::string reason = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        fail_with(path_, "cannot open", reason);
    }
    try {
        // The writer and the reader wait for each other's locks briefly instead of failing.
        sqlite3_busy_timeout(db_, 5000);
        exec("PRAGMA journal_mode=WAL");
        exec(sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    } catch (...) {
        sqlite3_close(db_);
        throw;
    }
}

Connection::~Connection() {
    statements_.clear();  // finalized before the connection closes
    sqlite3_close(db_);
}

void Connection::exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string reason = message ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        fail_with(path_, sql, reason);
    }
}

Statement& Connection::prepare(const char* sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) {
        it->second.reset();
        return it->second;
    }
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
        SQLITE_OK) {
        fail(sql);
    }
    return statements_.try_emplace(sql, db_, statement, path_).first->second;
}

void Connection::end_statements() noexcept {
    // A statement stepped to a row and left there keeps its read transaction, and with it this
    // connection's snapshot, open: later reads would not see later commits.
    for (auto& entry : statements_) {
        entry.second.reset();
    }
}

void Connection::rollback() noexcept {
    end_statements();
    if (sqlite3_get_autocommit(db_) == 0) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Connection::fail(std::string_view what) const {
    fail_with(path_, what, sqlite3_errmsg(db_));
}

}  // namespace parley::plugins::message_log_sqlite
