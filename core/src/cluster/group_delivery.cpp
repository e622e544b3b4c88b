#include "cluster/group_delivery.hpp"

#include <spdlog/spdlog.h>

namespace parley::cluster {

void GroupDelivery::on_envelope(Envelope envelope) {
    if (envelope.session_epoch != tag_) {
        spdlog::debug(
            "dropped a message for group {} sent to a node whose route this node "
            "consumes: its members there sync when they log in again",
            envelope.recipient);
        return;
    }
    groups_.deliver(envelope.recipient, std::move(envelope.frame));
}

}  // namespace parley::cluster
