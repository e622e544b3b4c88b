#pragma once

#include <string>

#include <parley/router.hpp>
#include <parley/store.hpp>
#include <parley/transport.hpp>

#include "cluster/fan_out_backlog.hpp"
#include "cluster/local_directory.hpp"

namespace parley::cluster {

/// Delivery order for a user: a session on this node, else the node the Store names, through
/// the Transport, else offline. Groups always go through the Transport's group route, which
/// this node consumes too, and are refused while this node's fan-out is behind (`backlog`).
class ClusterRouter final : public Router {
  public:
    ClusterRouter(std::string node_id, LocalDirectory& directory, Store& store,
                  Transport& transport, const FanOutBacklog& backlog);

    asio::awaitable<Delivery> send_to_user(UserId recipient, Frame frame,
                                           std::uint64_t ref_id) override;
    asio::awaitable<void> send_to_group(GroupId group, Frame frame) override;
    asio::awaitable<void> kick(SessionRecord record) override;
    asio::awaitable<void> send_to_node(std::string node_id, Envelope envelope) override;
    std::optional<Error> refuse_group_message(GroupId group, const Session& sender) override;

    /// Closes the local session `record` names, if it is still that session.
    void kick_local(UserId user, std::uint64_t epoch);

  private:
    std::string node_id_;
    LocalDirectory& directory_;
    Store& store_;
    Transport& transport_;
    const FanOutBacklog& backlog_;
};

}  // namespace parley::cluster
