#pragma once

#include <cstdint>
#include <string>

#include <parley/transport.hpp>

#include "cluster/group_fan_out.hpp"

namespace parley::cluster {

/// The core's `group` envelopes: a group message sent to this node because members of the group
/// are logged in here (ClusterRouter::send_to_group). Handed to GroupFanOut. An envelope
/// addressed to another node, consumed here because this node adopted that node's route, is
/// dropped: the members it was for were on that node, and log in again elsewhere and sync,
/// while members here got this node's own copy.
class GroupDelivery final : public EnvelopeHandler {
  public:
    GroupDelivery(const std::string& node_id, GroupFanOut& groups)
        : tag_(node_tag(node_id)), groups_(groups) {}

    void on_envelope(Envelope envelope) override;

  private:
    const std::uint64_t tag_;
    GroupFanOut& groups_;
};

}  // namespace parley::cluster
