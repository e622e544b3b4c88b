#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <parley/store.hpp>

#include "group_map.hpp"
#include "group_writer.hpp"
#include "groups_file.hpp"

namespace parley::plugins::memory {

/// The Store of a standalone node, in process memory: sessions die with the process, and only
/// this node's sessions are in it. Group memberships die with it too, unless a groups file keeps
/// them: then they are loaded from it here, and a join or leave completes once it is committed
/// to the file (on the writer's thread; the caller suspends meanwhile).
///
/// Thread safe: every event loop calls it at once. Sessions and groups have a mutex each, held
/// only to read or change the maps, never across a suspension. Reads never touch the file.
class MemoryStore final : public Store {
  public:
    /// `groups_file`: where memberships are kept durably; null keeps them in memory only.
    explicit MemoryStore(std::unique_ptr<GroupsFile> groups_file = nullptr);

    asio::awaitable<ClaimResult> claim(SessionRecord record, DuplicateLoginPolicy policy) override;
    asio::awaitable<ClaimResult> take_over(SessionRecord record, SessionRecord holder) override;
    asio::awaitable<void> release(UserId user, std::uint64_t epoch) override;
    asio::awaitable<std::optional<SessionRecord>> locate(UserId user) override;
    /// Pages by user id: a page holds the online users with id >= `cursor`, ascending, at most
    /// `limit` of them (0 means 100). `next_cursor` is the id the next page starts at, 0 after
    /// the last page. Users who log in or out between pages shift nothing: each page starts at
    /// an id, not at a position.
    asio::awaitable<OnlinePage> online(std::uint64_t cursor, std::uint32_t limit) override;

    asio::awaitable<void> join_group(GroupId group, UserId user) override;
    asio::awaitable<bool> leave_group(GroupId group, UserId user) override;
    asio::awaitable<bool> is_member(GroupId group, UserId user) override;
    /// Ascending user ids.
    asio::awaitable<std::vector<UserId>> group_members(GroupId group) override;
    asio::awaitable<std::optional<std::vector<std::string>>> group_nodes(
        GroupId group, std::uint32_t max_members) override;

    static constexpr std::uint32_t kDefaultPageSize = 100;

  private:
    /// A SessionRecord without its user (the key) and with its node id interned: 16 bytes
    /// instead of 48, for every user online.
    struct Holder {
        std::uint64_t epoch;
        std::uint32_t node;  ///< index into node_ids_
    };
    std::uint32_t intern(const std::string& node_id);  // call with sessions_mutex_ held
    SessionRecord to_record(UserId user, const Holder& holder) const;

    std::mutex sessions_mutex_;
    std::map<UserId, Holder> sessions_;  ///< ordered, for paging
    std::vector<std::string> node_ids_;  ///< a few: the nodes that ever held a session here

    GroupMap groups_;
    std::unique_ptr<GroupWriter> groups_writer_;  ///< null without a groups file
};

}  // namespace parley::plugins::memory
