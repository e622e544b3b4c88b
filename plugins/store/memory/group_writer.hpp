#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <parley/asio.hpp>
#include <parley/foreign_completion.hpp>

#include "group_change.hpp"
#include "group_map.hpp"
#include "groups_file.hpp"

namespace parley::plugins::memory {

/// Commits membership changes to the groups file on a thread of its own, so no event loop ever
/// waits for the disk. Whatever is queued when the thread wakes goes into one transaction (group
/// commit); after it commits, the changes are applied to the map in commit order and only then
/// are their callers resumed. A failed commit fails every call in it and leaves the map as it was.
class GroupWriter {
  public:
    GroupWriter(std::unique_ptr<GroupsFile> file, GroupMap& map);
    /// Commits what is still queued, then stops the thread.
    ~GroupWriter();
    GroupWriter(const GroupWriter&) = delete;
    GroupWriter& operator=(const GroupWriter&) = delete;

    /// Completes once `change` is in the file and in the map, with what GroupMap::apply
    /// returned; throws parley::Error(backend_unavailable) when the commit failed.
    asio::awaitable<bool> write(GroupChange change);

  private:
    struct Pending {
        GroupChange change;
        Completer<bool> done;
    };

    void run();
    void commit(std::vector<Pending>& batch);

    std::unique_ptr<GroupsFile> file_;
    GroupMap& map_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Pending> queue_;
    bool stopping_ = false;
    std::thread thread_;  ///< last: starts once everything it uses exists
};

}  // namespace parley::plugins::memory
