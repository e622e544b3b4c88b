#pragma once

#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include <parley/frame.hpp>
#include <parley/store.hpp>

#include "cluster/local_directory.hpp"
#include "net/loop_pool.hpp"

namespace parley::cluster {

/// Hands the group messages this node consumes to the group's members logged in here.
///
/// Order: each group's messages wait in a queue on the group's loop, and one coroutine at a
/// time hands them out, so a message whose membership lookup is slow is never overtaken by a
/// later one of the same group.
///
/// Store outages: each lookup's answer is kept, and while the Store fails the group's last
/// known members get the message, so an outage loses nothing for members this node already
/// knew (membership cannot change while the Store is down). A group never looked up before
/// the outage has nobody to hand its message to; that is logged.
class GroupFanOut {
  public:
    GroupFanOut(LocalDirectory& directory, Store& store, net::LoopPool& loops);

    /// Queues `frame` for group `group`'s members here. Any thread.
    void deliver(GroupId group, Frame frame);

  private:
    struct Group {
        std::deque<Frame> pending;
        bool draining = false;
        std::optional<std::vector<UserId>> members;  ///< as the Store last said
        bool stale = false;                          ///< handing out to `members` in an outage
    };
    /// One table per loop; each is touched only on its own loop.
    using Groups = std::unordered_map<GroupId, Group>;

    boost::asio::awaitable<void> drain(std::size_t loop, GroupId group);
    /// The members to hand a message to: the Store's answer, or the last known one.
    boost::asio::awaitable<std::optional<std::vector<UserId>>> members_of(GroupId group,
                                                                          Group& state);
    void hand_out(const std::vector<UserId>& members, const Frame& frame);

    LocalDirectory& directory_;
    Store& store_;
    net::LoopPool& loops_;
    std::vector<Groups> groups_;
};

}  // namespace parley::cluster
