#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <parley/frame.hpp>
#include <parley/store.hpp>

#include "cluster/fan_out_backlog.hpp"
#include "cluster/local_directory.hpp"
#include "net/loop_pool.hpp"

namespace parley::cluster {

/// Hands the group messages this node consumes to the group's members logged in here.
///
/// Order: each group's messages wait in a queue on the group's loop, and one coroutine at a
/// time hands them out, so a message whose membership lookup is slow is never overtaken by a
/// later one of the same group.
///
/// Cost: messages are handed out in batches of up to kBatch, with one membership lookup per
/// batch, and the loop serves its sessions between batches. A batch costs in proportion to the
/// members logged in here, not to the group's size: when the group has more members than this
/// node has sessions, the sessions are walked against a hash set of the members, built once
/// per member list.
///
/// Accounting: every message waiting here counts in the FanOutBacklog from deliver() until it
/// is handed out; the group handler refuses new messages while a backlog is over its mark.
///
/// Store outages: each lookup's answer is kept, and while the Store fails the group's last
/// known members get the message, so an outage loses nothing for members this node already
/// knew (membership cannot change while the Store is down). A group never looked up before
/// the outage has nobody to hand its message to; that is logged.
class GroupFanOut {
  public:
    GroupFanOut(LocalDirectory& directory, Store& store, net::LoopPool& loops,
                FanOutBacklog& backlog);

    /// Queues `frame` for group `group`'s members here. Any thread.
    void deliver(GroupId group, Frame frame);

    /// Messages handed out per membership lookup, at most; the loop serves others in between.
    static constexpr std::size_t kBatch = 256;

  private:
    struct Group {
        std::deque<Frame> pending;
        bool draining = false;
        std::optional<std::vector<UserId>> members;  ///< as the Store last said
        /// `members` as a set, built when first needed after the list changed.
        std::optional<boost::unordered_flat_set<UserId>> member_set;
        bool stale = false;  ///< handing out to `members` in an outage
    };
    /// One table per loop; each is touched only on its own loop.
    using Groups = std::unordered_map<GroupId, Group>;

    /// Runs while `group` has messages pending on `loop`; one at a time per group.
    boost::asio::awaitable<void> drain(std::size_t loop, GroupId group);
    boost::asio::awaitable<void> hand_out_pending(std::size_t loop, GroupId group, Group& state);
    /// Refreshes `state.members` from the Store, keeping the last known list in an outage.
    /// Returns false when there is no list to hand out to.
    boost::asio::awaitable<bool> refresh_members(GroupId group, Group& state);
    /// The sessions here of `state.members`.
    std::vector<SessionPtr> members_here(Group& state);
    static void hand_out(const std::vector<SessionPtr>& recipients,
                         const std::vector<Frame>& batch);

    LocalDirectory& directory_;
    Store& store_;
    net::LoopPool& loops_;
    FanOutBacklog& backlog_;
    std::vector<Groups> groups_;
};

}  // namespace parley::cluster
