#include "cluster/group_fan_out.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <parley/log_failure.hpp>

namespace parley::cluster {

GroupFanOut::GroupFanOut(LocalDirectory& directory, Store& store, net::LoopPool& loops)
    : directory_(directory), store_(store), loops_(loops), groups_(loops.size()) {}

void GroupFanOut::deliver(GroupId group, Frame frame) {
    const std::size_t loop = group % loops_.size();
    boost::asio::post(loops_.at(loop), [this, loop, group, frame = std::move(frame)]() mutable {
        Group& state = groups_[loop][group];
        state.pending.push_back(std::move(frame));
        if (state.draining) {
            return;  // the running drain takes it, in turn
        }
        state.draining = true;
        boost::asio::co_spawn(
            loops_.at(loop), drain(loop, group),
            logging_failure(fmt::format("group {} messages not delivered on this node", group)));
    });
}

boost::asio::awaitable<void> GroupFanOut::drain(std::size_t loop, GroupId group) {
    // unordered_map keeps references to its elements valid as it grows.
    Group& state = groups_[loop][group];
    struct Done {
        Group& state;
        ~Done() { state.draining = false; }
    } done{state};
    while (!state.pending.empty()) {
        const Frame frame = std::move(state.pending.front());
        state.pending.pop_front();
        if (const auto members = co_await members_of(group, state)) {
            hand_out(*members, frame);
        }
    }
}

boost::asio::awaitable<std::optional<std::vector<UserId>>> GroupFanOut::members_of(GroupId group,
                                                                                   Group& state) {
    try {
        state.members = co_await store_.group_members(group);
        if (state.stale) {
            spdlog::info("group {}: the store answers again", group);
            state.stale = false;
        }
        co_return state.members;
    } catch (const std::exception& e) {
        if (!state.members) {
            spdlog::warn("group {} message not delivered on this node: {}", group, e.what());
            co_return std::nullopt;
        }
        if (!state.stale) {
            spdlog::warn("group {}: {}; handing messages to its last known members", group,
                         e.what());
            state.stale = true;
        }
        co_return state.members;
    }
}

void GroupFanOut::hand_out(const std::vector<UserId>& members, const Frame& frame) {
    const UserId sender = frame.sender();
    for (const UserId member : members) {
        if (member == sender) {
            continue;
        }
        if (const SessionPtr session = directory_.find(member)) {
            session->send(frame);
        }
    }
}

}  // namespace parley::cluster
