#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/config.hpp>

#include <parley/asio.hpp>
#include <parley/types.hpp>

namespace parley {

enum class DuplicateLoginPolicy {
    reject,    ///< a second login of a user who is online fails with duplicate_login
    kick_old,  ///< the new login wins; the old session is closed with session_replaced
};

/// Where a user is logged in: which node, and which session on it.
struct SessionRecord {
    UserId user = kNoUser;
    std::string node_id;
    std::uint64_t epoch = 0;
};

struct ClaimResult {
    bool granted = false;
    /// When granted under kick_old: the session that was displaced and must be closed.
    /// When refused: the session that holds the user.
    std::optional<SessionRecord> other;
};

struct OnlinePage {
    std::vector<UserId> users;      ///< ascending
    std::uint64_t next_cursor = 0;  ///< pass back for the next page; 0 when this was the last
    std::uint64_t total = 0;        ///< users online in all
};

/// Who is online where, and group membership. One instance per node, shared by every loop:
/// implementations are thread safe. Failures throw parley::Error(backend_unavailable).
class BOOST_SYMBOL_VISIBLE Store {
  public:
    /// What PluginHost::add registers this interface as.
    static constexpr std::string_view kPluginKind = "store";
    using PluginInterface = Store;

    virtual ~Store();

    /// Records `record` as the user's session, atomically, under `policy`.
    virtual asio::awaitable<ClaimResult> claim(SessionRecord record,
                                               DuplicateLoginPolicy policy) = 0;
    /// Records `record` as the user's session in place of `holder`, atomically: granted (with
    /// `other` = holder) only while the store still names `holder`, or nobody; refused, with the
    /// session it names, once another session holds the user. How a client replaces its own
    /// previous session without displacing a newer one. Plugin API 6.
    virtual asio::awaitable<ClaimResult> take_over(SessionRecord record, SessionRecord holder) = 0;
    /// Forgets the user's session if it is still the one with `epoch`.
    virtual asio::awaitable<void> release(UserId user, std::uint64_t epoch) = 0;
    virtual asio::awaitable<std::optional<SessionRecord>> locate(UserId user) = 0;
    /// Online users in ascending id order, `limit` at a time; `cursor` 0 starts at the beginning.
    virtual asio::awaitable<OnlinePage> online(std::uint64_t cursor, std::uint32_t limit) = 0;

    /// Group membership outlives sessions: a member who logs in again is still a member.
    virtual asio::awaitable<void> join_group(GroupId group, UserId user) = 0;
    /// Returns false when the user was not a member.
    virtual asio::awaitable<bool> leave_group(GroupId group, UserId user) = 0;
    virtual asio::awaitable<bool> is_member(GroupId group, UserId user) = 0;
    virtual asio::awaitable<std::vector<UserId>> group_members(GroupId group) = 0;
    /// The nodes that hold a session of a member of `group` now, each once, in no order: where
    /// a group message must go (group routing by interest). Nothing when the group has more
    /// than `max_members` members: too many to look up per message (its messages then go to
    /// every node). The default asks group_members() and locate()s each member; a store that
    /// can answer in one round trip should. Plugin API 7.
    virtual asio::awaitable<std::optional<std::vector<std::string>>> group_nodes(
        GroupId group, std::uint32_t max_members);
    /// Whether the backend can serve now, for the node's /readyz (docs/admin-http.md):
    /// completes when it can, throws Error(backend_unavailable) saying why not. Answers within
    /// the backend's own call time-out; may be called at any time from any thread. The default
    /// (for backends with nothing to reach) completes at once. Plugin API 5.
    virtual asio::awaitable<void> check_ready();
};

}  // namespace parley
