#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "group_change.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::plugins::memory {

/// The SQLite file that keeps group memberships durably (WAL, synchronous=FULL): one row per
/// (group, user). Blocking: open it at setup, commit from the writer thread only. Every failure
/// throws parley::Error(backend_unavailable) naming the file.
class GroupsFile {
  public:
    /// Opens or creates the file and its table.
    explicit GroupsFile(std::filesystem::path path);
    ~GroupsFile();
    GroupsFile(const GroupsFile&) = delete;
    GroupsFile& operator=(const GroupsFile&) = delete;

    /// Every membership in the file, as joins.
    std::vector<GroupChange> load();
    /// Writes `changes` in order, in one transaction; on failure nothing of them is written.
    void commit(std::span<const GroupChange> changes);

    const std::filesystem::path& path() const noexcept { return path_; }

  private:
    void open();
    /// Releases the statements and the handle; safe on a half-opened file.
    void close() noexcept;
    void execute(const char* sql);
    sqlite3_stmt* prepare(const char* sql);
    void write(const GroupChange& change);
    [[noreturn]] void fail(const std::string& doing) const;

    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    sqlite3_stmt* delete_ = nullptr;
};

}  // namespace parley::plugins::memory
