#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include <parley/store.hpp>
#include <parley/transport.hpp>

#include "cluster/local_directory.hpp"
#include "cluster/router.hpp"
#include "net/loop_pool.hpp"

namespace parley::cluster {

/// What the Transport consumes, handed to this node's sessions: private messages and kicks on
/// the node route, and group messages, fanned out to the group's members logged in here.
class InboundDelivery final : public TransportListener {
  public:
    InboundDelivery(std::string node_id, LocalDirectory& directory, Store& store,
                    ClusterRouter& router, Transport& transport, net::LoopPool& loops);

    void on_node_message(Envelope envelope) override;
    void on_group_message(GroupId group, Frame frame) override;

  private:
    boost::asio::awaitable<void> fan_out(GroupId group, Frame frame);
    /// The recipient is not here (any more): forward once to the node the Store names now, or
    /// tell the sender the message could not be delivered.
    boost::asio::awaitable<void> reroute(Envelope envelope);
    void report_undelivered(const Frame& message, const std::string& reason);

    std::string node_id_;
    LocalDirectory& directory_;
    Store& store_;
    ClusterRouter& router_;
    Transport& transport_;
    net::LoopPool& loops_;
};

}  // namespace parley::cluster
