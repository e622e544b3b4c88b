#pragma once

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
    InboundDelivery(LocalDirectory& directory, Store& store, ClusterRouter& router,
                    net::LoopPool& loops);

    void on_node_message(Envelope envelope) override;
    void on_group_message(GroupId group, Frame frame) override;

  private:
    boost::asio::awaitable<void> fan_out(GroupId group, Frame frame);

    LocalDirectory& directory_;
    Store& store_;
    ClusterRouter& router_;
    net::LoopPool& loops_;
};

}  // namespace parley::cluster
