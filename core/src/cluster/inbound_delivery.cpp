#include "cluster/inbound_delivery.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cluster/direct_delivery.hpp"
#include "cluster/group_delivery.hpp"

namespace parley::cluster {

InboundDelivery::InboundDelivery(std::string node_id, LocalDirectory& directory, Store& store,
                                 ClusterRouter& router, Transport& transport, net::LoopPool& loops,
                                 GroupFanOut& groups)
    : groups_(groups) {
    auto core = [this](Envelope::Kind kind, std::shared_ptr<EnvelopeHandler> handler) {
        handlers_[static_cast<std::uint8_t>(kind)] = Slot{std::move(handler), "the core"};
    };
    core(Envelope::Kind::deliver,
         std::make_shared<DirectDelivery>(node_id, directory, store, router, transport, loops));
    core(Envelope::Kind::kick, std::make_shared<KickDelivery>(router));
    core(Envelope::Kind::group, std::make_shared<GroupDelivery>(node_id, groups));
}

InboundDelivery::~InboundDelivery() = default;

void InboundDelivery::add_envelope_handler(std::uint8_t kind,
                                           std::shared_ptr<EnvelopeHandler> handler,
                                           const std::string& owner) {
    if (kind < Envelope::kFirstPluginKind) {
        throw std::invalid_argument(fmt::format(
            "{} registered an envelope handler for kind {:#04x}, but kinds below {:#04x} are the "
            "core's; use a kind from 0x80 to 0xff",
            owner, kind, Envelope::kFirstPluginKind));
    }
    Slot& slot = handlers_[kind];
    if (slot.handler) {
        throw std::invalid_argument(fmt::format(
            "envelope kind {:#04x} is claimed by both {} and {}", kind, slot.owner, owner));
    }
    slot = Slot{std::move(handler), owner};
}

void InboundDelivery::on_node_message(Envelope envelope) {
    const auto kind = static_cast<std::uint8_t>(envelope.kind);
    if (EnvelopeHandler* handler = handlers_[kind].handler.get()) {
        handler->on_envelope(std::move(envelope));
        return;
    }
    spdlog::warn(
        "dropped an envelope of kind {:#04x} for user {}: nothing on this node handles "
        "that kind (is the plugin that sends it loaded on every node?)",
        kind, envelope.recipient);
}

void InboundDelivery::on_group_message(GroupId group, Frame frame) {
    groups_.deliver(group, std::move(frame));
}

}  // namespace parley::cluster
