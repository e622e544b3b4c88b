#include "cluster/group_fan_out.hpp"

#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <parley/log_failure.hpp>

namespace parley::cluster {

GroupFanOut::GroupFanOut(LocalDirectory& directory, Store& store, net::LoopPool& loops,
                         FanOutBacklog& backlog)
    : directory_(directory),
      store_(store),
      loops_(loops),
      backlog_(backlog),
      groups_(loops.size()) {}

void GroupFanOut::deliver(GroupId group, Frame frame) {
    const std::size_t loop = group % loops_.size();
    backlog_.add(group, frame.bytes().size());
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
    // `draining` is cleared where the drain ends, on return or on a failure, and not by a
    // destructor in this frame: a drain still suspended when the node shuts down is destroyed
    // with its loop, after this object and `state` are gone.
    try {
        co_await hand_out_pending(loop, group, state);
    } catch (...) {
        state.draining = false;
        throw;
    }
    state.draining = false;
}

boost::asio::awaitable<void> GroupFanOut::hand_out_pending(std::size_t loop, GroupId group,
                                                           Group& state) {
    std::vector<Frame> batch;
    batch.reserve(kBatch);
    auto executor = loops_.at(loop).get_executor();
    for (;;) {
        // Deliveries already queued on this loop join the batch first, so a busy group pays
        // one membership lookup per batch rather than per message; and a long backlog does not
        // keep this loop's sessions waiting.
        co_await boost::asio::post(executor, boost::asio::use_awaitable);
        if (state.pending.empty()) {
            co_return;
        }
        const auto start = std::chrono::steady_clock::now();
        std::uint64_t bytes = 0;
        batch.clear();
        while (!state.pending.empty() && batch.size() < kBatch) {
            bytes += state.pending.front().bytes().size();
            batch.push_back(std::move(state.pending.front()));
            state.pending.pop_front();
        }
        if (co_await refresh_members(group, state)) {
            hand_out(members_here(state), batch);
        }
        backlog_.remove(group, batch.size(), bytes, std::chrono::steady_clock::now() - start);
    }
}

boost::asio::awaitable<bool> GroupFanOut::refresh_members(GroupId group, Group& state) {
    try {
        std::vector<UserId> members = co_await store_.group_members(group);
        if (state.stale) {
            spdlog::info("group {}: the store answers again", group);
            state.stale = false;
        }
        if (!state.members || *state.members != members) {
            state.members = std::move(members);
            state.member_set.reset();
        }
        co_return true;
    } catch (const std::exception& e) {
        if (!state.members) {
            spdlog::warn("group {} message not delivered on this node: {}", group, e.what());
            co_return false;
        }
        if (!state.stale) {
            spdlog::warn("group {}: {}; handing messages to its last known members", group,
                         e.what());
            state.stale = true;
        }
        co_return true;
    }
}

std::vector<SessionPtr> GroupFanOut::members_here(Group& state) {
    const std::vector<UserId>& members = *state.members;
    std::vector<SessionPtr> here;
    if (members.size() <= directory_.size()) {
        for (const UserId member : members) {
            if (SessionPtr session = directory_.find(member)) {
                here.push_back(std::move(session));
            }
        }
        return here;
    }
    // A big group on a node with few sessions: walk the sessions, not the members.
    if (!state.member_set) {
        state.member_set.emplace(members.begin(), members.end());
    }
    const auto& member_set = *state.member_set;
    directory_.for_each([&](UserId user, SessionPtr session) {
        if (member_set.contains(user)) {
            here.push_back(std::move(session));
        }
    });
    return here;
}

void GroupFanOut::hand_out(const std::vector<SessionPtr>& recipients,
                           const std::vector<Frame>& batch) {
    for (const Frame& frame : batch) {
        const UserId sender = frame.sender();
        for (const SessionPtr& session : recipients) {
            if (session->user() != sender) {
                session->send(frame);
            }
        }
    }
}

}  // namespace parley::cluster
