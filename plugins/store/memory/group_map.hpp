#pragma once

#include <mutex>
#include <set>
#include <unordered_map>
#include <vector>

#include <parley/types.hpp>

#include "group_change.hpp"

namespace parley::plugins::memory {

/// Group memberships in memory, the source every read is served from. Thread safe: one mutex,
/// held only around a map operation.
class GroupMap {
  public:
    /// Returns whether the change did anything: a join of a non-member, a leave of a member.
    bool apply(const GroupChange& change);
    bool contains(GroupId group, UserId user) const;
    /// Ascending user ids.
    std::vector<UserId> members(GroupId group) const;

  private:
    mutable std::mutex mutex_;
    std::unordered_map<GroupId, std::set<UserId>> groups_;  ///< no empty sets
};

}  // namespace parley::plugins::memory
