#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include <parley/store.hpp>
#include <parley/transport.hpp>

#include "cluster/local_directory.hpp"
#include "net/loop_pool.hpp"

namespace parley::cluster {

class ClusterRouter;

/// The core's `deliver` envelopes: a message for a user who should be logged in here. Handed
/// to the session when it is; otherwise forwarded to the node the Store names now, or reported
/// to its sender as undeliverable (ERROR 1005 answering the envelope's ref_id) when the Store
/// names nobody, or this node. A message that reaches an adopter of the route of the node it
/// was addressed to, for the session the Store still names, is sent there again after a
/// pause: that node is away (paused or restarting) but its user has not left. A message is
/// forwarded at most 20 times.
class DirectDelivery final : public EnvelopeHandler {
  public:
    DirectDelivery(std::string node_id, LocalDirectory& directory, Store& store,
                   ClusterRouter& router, Transport& transport, net::LoopPool& loops);

    void on_envelope(Envelope envelope) override;

  private:
    boost::asio::awaitable<void> reroute(Envelope envelope);
    void report_undelivered(const Envelope& envelope, const std::string& reason);

    std::string node_id_;
    LocalDirectory& directory_;
    Store& store_;
    ClusterRouter& router_;
    Transport& transport_;
    net::LoopPool& loops_;
};

/// The core's `kick` envelopes: close the recipient's session if it is still the one named.
class KickDelivery final : public EnvelopeHandler {
  public:
    explicit KickDelivery(ClusterRouter& router) : router_(router) {}
    void on_envelope(Envelope envelope) override;

  private:
    ClusterRouter& router_;
};

}  // namespace parley::cluster
