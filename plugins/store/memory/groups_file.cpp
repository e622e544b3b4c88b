#include "groups_file.hpp"

#include <utility>

#include <sqlite3.h>

#include <parley/error.hpp>

namespace parley::plugins::memory {

namespace {

/// How long a write waits for a lock held by another process (a backup, the sqlite3 shell).
constexpr int kBusyTimeoutMs = 5000;

/// Finalizes a statement however the scope is left.
struct StatementGuard {
    sqlite3_stmt* statement;
    ~StatementGuard() { sqlite3_finalize(statement); }
};

}  // namespace

GroupsFile::GroupsFile(std::filesystem::path path) : path_(std::move(path)) {
    try {
        open();
    } catch (...) {
        close();  // a constructor that throws runs no destructor
        throw;
    }
}

void GroupsFile::open() {
    const int opened =
        sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (opened != SQLITE_OK) {
        // db_ may still hold a handle that carries the message; the constructor closes it.
        if (db_ == nullptr) {
            throw Error(ErrorCode::backend_unavailable, "store-memory: cannot open groups file '" +
                                                            path_.string() +
                                                            "': " + sqlite3_errstr(opened));
        }
        fail("cannot open");
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    // The first read of the file: a file that is not a database fails here.
    execute("PRAGMA journal_mode=WAL");
    execute("PRAGMA synchronous=FULL");
    execute(
        "CREATE TABLE IF NOT EXISTS memberships ("
        " group_id INTEGER NOT NULL, user_id INTEGER NOT NULL,"
        " PRIMARY KEY (group_id, user_id)) WITHOUT ROWID");
    insert_ = prepare("INSERT OR IGNORE INTO memberships (group_id, user_id) VALUES (?1, ?2)");
    delete_ = prepare("DELETE FROM memberships WHERE group_id = ?1 AND user_id = ?2");
}

GroupsFile::~GroupsFile() {
    close();
}

void GroupsFile::close() noexcept {
    sqlite3_finalize(insert_);
    sqlite3_finalize(delete_);
    sqlite3_close(db_);
    insert_ = nullptr;
    delete_ = nullptr;
    db_ = nullptr;
}

std::vector<GroupChange> GroupsFile::load() {
    StatementGuard select{prepare("SELECT group_id, user_id FROM memberships")};
    std::vector<GroupChange> memberships;
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(select.statement)) == SQLITE_ROW) {
        memberships.push_back(
            GroupChange{GroupChange::Kind::join,
                        static_cast<GroupId>(sqlite3_column_int64(select.statement, 0)),
                        static_cast<UserId>(sqlite3_column_int64(select.statement, 1))});
    }
    if (step != SQLITE_DONE) {
        fail("cannot read memberships from");
    }
    return memberships;
}

void GroupsFile::commit(std::span<const GroupChange> changes) {
    execute("BEGIN IMMEDIATE");
    try {
        for (const GroupChange& change : changes) {
            write(change);
        }
        execute("COMMIT");
    } catch (...) {
        // Without an open transaction (COMMIT failed and SQLite rolled back) this is a no-op.
        if (sqlite3_get_autocommit(db_) == 0) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        }
        throw;
    }
}

void GroupsFile::write(const GroupChange& change) {
    sqlite3_stmt* statement = change.kind == GroupChange::Kind::join ? insert_ : delete_;
    sqlite3_reset(statement);
    sqlite3_bind_int64(statement, 1, change.group);
    sqlite3_bind_int64(statement, 2, change.user);
    if (sqlite3_step(statement) != SQLITE_DONE) {
        fail("cannot write a membership to");
    }
    sqlite3_reset(statement);
}

void GroupsFile::execute(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
        fail(std::string{"cannot run '"} + sql + "' on");
    }
}

sqlite3_stmt* GroupsFile::prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) {
        fail(std::string{"cannot prepare '"} + sql + "' on");
    }
    return statement;
}

void GroupsFile::fail(const std::string& doing) const {
    throw Error(ErrorCode::backend_unavailable, "store-memory: " + doing + " groups file '" +
                                                    path_.string() + "': " + sqlite3_errmsg(db_));
}

}  // namespace parley::plugins::memory
