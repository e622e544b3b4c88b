#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace parley::plugins::message_log_sqlite {

/// A prepared statement of a Connection. Bind, step through the rows, and it resets itself
/// for the next use when Connection::prepare hands it out again.
class Statement {
  public:
    Statement(sqlite3* db, sqlite3_stmt* statement, std::string_view path);

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::span<const std::uint8_t> blob);
    /// True while there is a row to read; false once the statement is done.
    bool step();
    /// Runs a statement that returns no rows.
    void run();

    std::int64_t int64(int column) const;
    std::uint64_t uint64(int column) const { return static_cast<std::uint64_t>(int64(column)); }
    bool is_null(int column) const;
    std::span<const std::uint8_t> blob(int column) const;

    void reset();

  private:
    struct Finalize {
        void operator()(sqlite3_stmt* statement) const noexcept;
    };
    sqlite3* db_;
    std::unique_ptr<sqlite3_stmt, Finalize> statement_;
    std::string_view path_;
};

/// One connection to the log's database, used by one thread only. Every failure throws
/// parley::Error(backend_unavailable) naming the file and SQLite's reason.
class Connection {
  public:
    Connection(std::string path, bool sync_full);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Runs `sql`, which may hold several statements and returns no rows.
    void exec(const char* sql);
    /// The statement for `sql`, prepared once per connection and reset.
    Statement& prepare(const char* sql);

    /// Ends the open transaction, if any, without throwing: for cleaning up after an error.
    /// Resets every cached statement, so none holds a read transaction open.
    void end_statements() noexcept;
    void rollback() noexcept;

    [[noreturn]] void fail(std::string_view what) const;
    const std::string& path() const noexcept { return path_; }

  private:
    std::string path_;
    sqlite3* db_ = nullptr;
    std::unordered_map<const char*, Statement> statements_;  ///< keyed by the literal's address
};

/// Throws parley::Error(backend_unavailable) for `what` on the database at `path`.
[[noreturn]] void fail_with(std::string_view path, std::string_view what, std::string_view reason);

}  // namespace parley::plugins::message_log_sqlite
