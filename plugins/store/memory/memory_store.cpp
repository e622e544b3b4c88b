#include "memory_store.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <parley/error.hpp>

namespace parley::plugins::memory {

std::uint32_t MemoryStore::intern(const std::string& node_id) {
    const auto it = std::find(node_ids_.begin(), node_ids_.end(), node_id);
    if (it != node_ids_.end()) {
        return static_cast<std::uint32_t>(it - node_ids_.begin());
    }
    node_ids_.push_back(node_id);
    return static_cast<std::uint32_t>(node_ids_.size() - 1);
}

SessionRecord MemoryStore::to_record(UserId user, const Holder& holder) const {
    return SessionRecord{user, node_ids_[holder.node], holder.epoch};
}

asio::awaitable<ClaimResult> MemoryStore::claim(SessionRecord record, DuplicateLoginPolicy policy) {
    if (record.user == kNoUser) {
        throw Error(ErrorCode::internal, "store-memory: claim for user 0");
    }
    ClaimResult result;
    {
        std::lock_guard lock(sessions_mutex_);
        const Holder claimed{record.epoch, intern(record.node_id)};
        auto [it, inserted] = sessions_.try_emplace(record.user, claimed);
        if (inserted || (it->second.epoch == claimed.epoch && it->second.node == claimed.node)) {
            result.granted = true;  // nobody held the user, or this session already does
        } else if (policy == DuplicateLoginPolicy::reject) {
            result.other = to_record(record.user, it->second);
        } else {
            result.granted = true;
            result.other = to_record(record.user, std::exchange(it->second, claimed));
        }
    }
    co_return result;
}

asio::awaitable<void> MemoryStore::release(UserId user, std::uint64_t epoch) {
    {
        std::lock_guard lock(sessions_mutex_);
        // A session that was displaced by a newer login must not forget the newer one.
        if (auto it = sessions_.find(user); it != sessions_.end() && it->second.epoch == epoch) {
            sessions_.erase(it);
        }
    }
    co_return;
}

asio::awaitable<std::optional<SessionRecord>> MemoryStore::locate(UserId user) {
    std::optional<SessionRecord> found;
    {
        std::lock_guard lock(sessions_mutex_);
        if (auto it = sessions_.find(user); it != sessions_.end()) {
            found = to_record(user, it->second);
        }
    }
    co_return found;
}

asio::awaitable<OnlinePage> MemoryStore::online(std::uint64_t cursor, std::uint32_t limit) {
    if (limit == 0) {
        limit = kDefaultPageSize;
    }
    OnlinePage page;
    {
        std::lock_guard lock(sessions_mutex_);
        page.total = sessions_.size();
        if (cursor <= std::numeric_limits<UserId>::max()) {
            auto it = sessions_.lower_bound(static_cast<UserId>(cursor));
            page.users.reserve(std::min<std::size_t>(limit, sessions_.size()));
            for (; it != sessions_.end() && page.users.size() < limit; ++it) {
                page.users.push_back(it->first);
            }
            if (it != sessions_.end()) {
                page.next_cursor = it->first;  // never 0: user 0 is never online
            }
        }
    }
    co_return page;
}

asio::awaitable<void> MemoryStore::join_group(GroupId group, UserId user) {
    {
        std::lock_guard lock(groups_mutex_);
        groups_[group].insert(user);
    }
    co_return;
}

asio::awaitable<bool> MemoryStore::leave_group(GroupId group, UserId user) {
    bool was_member = false;
    {
        std::lock_guard lock(groups_mutex_);
        if (auto it = groups_.find(group); it != groups_.end()) {
            was_member = it->second.erase(user) > 0;
            if (it->second.empty()) {
                groups_.erase(it);
            }
        }
    }
    co_return was_member;
}

asio::awaitable<bool> MemoryStore::is_member(GroupId group, UserId user) {
    bool member = false;
    {
        std::lock_guard lock(groups_mutex_);
        if (auto it = groups_.find(group); it != groups_.end()) {
            member = it->second.contains(user);
        }
    }
    co_return member;
}

asio::awaitable<std::vector<UserId>> MemoryStore::group_members(GroupId group) {
    std::vector<UserId> members;
    {
        std::lock_guard lock(groups_mutex_);
        if (auto it = groups_.find(group); it != groups_.end()) {
            members.assign(it->second.begin(), it->second.end());
        }
    }
    co_return members;
}

}  // namespace parley::plugins::memory
