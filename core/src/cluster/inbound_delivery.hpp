#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include <parley/store.hpp>
#include <parley/transport.hpp>

#include "cluster/group_fan_out.hpp"
#include "cluster/local_directory.hpp"
#include "net/loop_pool.hpp"

namespace parley::cluster {

class ClusterRouter;
class DirectDelivery;

/// What the Transport consumes, handed on by kind: node-route envelopes go to the handler of
/// their kind (a table, filled at start-up: the core's deliver, kick and group, and plugins'
/// own kinds); group envelopes addressed to this node, and group messages from the group route
/// (nodes of older versions, and this version's fallback while the Store cannot say where a
/// group's members are), are fanned out to the group's members logged in here (GroupFanOut).
class InboundDelivery final : public TransportListener {
  public:
    InboundDelivery(std::string node_id, LocalDirectory& directory, Store& store,
                    ClusterRouter& router, Transport& transport, net::LoopPool& loops,
                    GroupFanOut& groups);
    ~InboundDelivery() override;

    /// Adds a plugin's handler for envelopes of `kind` (0x80-0xff). Throws std::invalid_argument
    /// for a core kind or a kind another plugin took. Main thread, before the transport starts.
    void add_envelope_handler(std::uint8_t kind, std::shared_ptr<EnvelopeHandler> handler,
                              const std::string& owner);

    void on_node_message(Envelope envelope) override;
    void on_group_message(GroupId group, Frame frame) override;

  private:
    struct Slot {
        std::shared_ptr<EnvelopeHandler> handler;
        std::string owner;
    };
    GroupFanOut& groups_;
    std::array<Slot, 256> handlers_;
};

}  // namespace parley::cluster
