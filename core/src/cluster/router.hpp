#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include <parley/registry.hpp>
#include <parley/router.hpp>
#include <parley/store.hpp>
#include <parley/transport.hpp>

#include "cluster/fan_out_backlog.hpp"
#include "cluster/group_fan_out.hpp"
#include "cluster/local_directory.hpp"

namespace parley::cluster {

/// Delivery order for a user: a session on this node, else the node the Store names, through
/// the Transport, else offline.
///
/// Groups go where their members are: this node's fan-out takes the message for the members
/// here at once, and each other node that holds a member's session (Store::group_nodes) gets
/// one copy on its node route, so a node with no member of the group reads nothing of it.
/// While the Store cannot answer, and for groups too large to ask about, every live node gets a
/// copy on its route (the same routes, so a group's messages keep their order). A node alone in
/// the registry asks the Store nothing; `broadcast` mode, and a node that has not heard from
/// the registry yet, use the Transport's group route. Group messages are refused while this
/// node's fan-out is behind (`backlog`).
class ClusterRouter final : public Router {
  public:
    ClusterRouter(std::string node_id, LocalDirectory& directory, Store& store,
                  Transport& transport, GroupFanOut& groups, const FanOutBacklog& backlog);

    asio::awaitable<Delivery> send_to_user(UserId recipient, Frame frame,
                                           std::uint64_t ref_id) override;
    asio::awaitable<Delivery> send_to_user_pipelined(UserId recipient, Frame frame,
                                                     std::uint64_t ref_id,
                                                     const RequestContext& ctx) override;
    /// As the transport: pipelined messages start early only when it publishes in order. Not
    /// while this node is alone in the registry: it publishes nothing, every message is handed
    /// over at once, and the plain path is the cheaper one.
    bool sends_in_order() const override {
        return others_alive_.load(std::memory_order_relaxed) && transport_.publishes_in_order();
    }
    asio::awaitable<void> send_to_group(GroupId group, Frame frame) override;
    asio::awaitable<void> kick(SessionRecord record) override;
    asio::awaitable<void> send_to_node(std::string node_id, Envelope envelope) override;
    std::optional<Error> refuse_group_message(GroupId group, const Session& sender) override;

    /// Closes the local session `record` names, if it is still that session.
    void kick_local(UserId user, std::uint64_t epoch);

    /// The live nodes, from the registry: whether any other node may hold a group's members.
    /// Any thread.
    void on_nodes(const std::vector<ServiceInstance>& nodes);
    /// `by_interest` false sends every group message on the group route, as nodes before plugin
    /// API 7 did (`server.group_routing: broadcast`); by interest, a group with more than
    /// `max_members` members gets a copy on every live node's route. Before serving.
    void route_groups(bool by_interest, std::uint32_t max_members) {
        broadcast_groups_ = !by_interest;
        interest_max_members_ = max_members;
    }

  private:
    /// send_to_user(); with `ctx`, lets the sender's next message start once this one is on its
    /// way in order.
    asio::awaitable<Delivery> deliver(UserId recipient, Frame frame, std::uint64_t ref_id,
                                      const RequestContext* ctx);

    std::string node_id_;
    LocalDirectory& directory_;
    Store& store_;
    Transport& transport_;
    GroupFanOut& groups_;
    const FanOutBacklog& backlog_;
    /// The live nodes' ids, as the registry last said; empty until it first answered.
    std::vector<std::string> live_nodes() const;

    mutable std::mutex nodes_mutex_;
    std::vector<std::string> live_nodes_;
    /// Until the registry says this node is alone, another node may hold members.
    std::atomic<bool> others_alive_{true};
    bool broadcast_groups_ = false;
    std::uint32_t interest_max_members_ = 1000;
};

}  // namespace parley::cluster
