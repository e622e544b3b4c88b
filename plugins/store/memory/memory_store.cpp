#include "memory_store.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <parley/error.hpp>

namespace parley::plugins::memory {

MemoryStore::MemoryStore(std::unique_ptr<GroupsFile> groups_file) {
    if (groups_file) {
        for (const GroupChange& membership : groups_file->load()) {
            groups_.apply(membership);
        }
        groups_writer_ = std::make_unique<GroupWriter>(std::move(groups_file), groups_);
    }
}

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

asio::awaitable<ClaimResult> MemoryStore::take_over(SessionRecord record, SessionRecord holder) {
    if (record.user == kNoUser) {
        throw Error(ErrorCode::internal, "store-memory: take-over for user 0");
    }
    ClaimResult result;
    {
        std::lock_guard lock(sessions_mutex_);
        const Holder claimed{record.epoch, intern(record.node_id)};
        auto [it, inserted] = sessions_.try_emplace(record.user, claimed);
        const bool held_by_self =
            it->second.epoch == claimed.epoch && it->second.node == claimed.node;
        const bool held_by_expected =
            it->second.epoch == holder.epoch && node_ids_[it->second.node] == holder.node_id;
        if (inserted || held_by_self) {
            result.granted = true;
        } else if (held_by_expected) {
            result.granted = true;
            result.other = to_record(record.user, std::exchange(it->second, claimed));
        } else {
            result.other = to_record(record.user, it->second);  // a newer session holds it
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
    const GroupChange change{GroupChange::Kind::join, group, user};
    if (groups_writer_) {
        co_await groups_writer_->write(change);
    } else {
        groups_.apply(change);
    }
}

asio::awaitable<bool> MemoryStore::leave_group(GroupId group, UserId user) {
    const GroupChange change{GroupChange::Kind::leave, group, user};
    if (groups_writer_) {
        co_return co_await groups_writer_->write(change);
    }
    co_return groups_.apply(change);
}

asio::awaitable<bool> MemoryStore::is_member(GroupId group, UserId user) {
    co_return groups_.contains(group, user);
}

asio::awaitable<std::vector<UserId>> MemoryStore::group_members(GroupId group) {
    co_return groups_.members(group);
}

asio::awaitable<std::optional<std::vector<std::string>>> MemoryStore::group_nodes(
    GroupId group, std::uint32_t max_members) {
    const std::vector<UserId> members = groups_.members(group);
    if (members.size() > max_members) {
        co_return std::nullopt;
    }
    std::vector<std::string> nodes;
    std::lock_guard lock(sessions_mutex_);
    std::vector<bool> seen(node_ids_.size(), false);
    for (const UserId member : members) {
        const auto it = sessions_.find(member);
        if (it != sessions_.end() && !seen[it->second.node]) {
            seen[it->second.node] = true;
            nodes.push_back(node_ids_[it->second.node]);
        }
    }
    co_return nodes;
}

}  // namespace parley::plugins::memory
