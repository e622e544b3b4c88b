#include "group_map.hpp"

namespace parley::plugins::memory {

bool GroupMap::apply(const GroupChange& change) {
    std::lock_guard lock(mutex_);
    if (change.kind == GroupChange::Kind::join) {
        return groups_[change.group].insert(change.user).second;
    }
    const auto it = groups_.find(change.group);
    if (it == groups_.end()) {
        return false;
    }
    const bool was_member = it->second.erase(change.user) > 0;
    if (it->second.empty()) {
        groups_.erase(it);
    }
    return was_member;
}

bool GroupMap::contains(GroupId group, UserId user) const {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group);
    return it != groups_.end() && it->second.contains(user);
}

std::vector<UserId> GroupMap::members(GroupId group) const {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group);
    if (it == groups_.end()) {
        return {};
    }
    return {it->second.begin(), it->second.end()};
}

}  // namespace parley::plugins::memory
