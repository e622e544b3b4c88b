#include "cluster/inbound_delivery.hpp"

#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

namespace parley::cluster {

InboundDelivery::InboundDelivery(LocalDirectory& directory, Store& store, ClusterRouter& router,
                                 net::LoopPool& loops)
    : directory_(directory), store_(store), router_(router), loops_(loops) {}

void InboundDelivery::on_node_message(Envelope envelope) {
    if (envelope.kind == Envelope::Kind::kick) {
        router_.kick_local(envelope.recipient, envelope.session_epoch);
        return;
    }
    if (const SessionPtr session = directory_.find(envelope.recipient)) {
        session->send(std::move(envelope.frame));
        return;
    }
    spdlog::info("message for user {} arrived after the user left this node; dropped",
                 envelope.recipient);
}

void InboundDelivery::on_group_message(GroupId group, Frame frame) {
    // One loop per group keeps a group's messages in the order they were consumed.
    auto& loop = loops_.at(group % loops_.size());
    boost::asio::co_spawn(loop, fan_out(group, std::move(frame)),
                          [group](const std::exception_ptr& e) {
                              if (!e) {
                                  return;
                              }
                              try {
                                  std::rethrow_exception(e);
                              } catch (const std::exception& failure) {
                                  spdlog::warn("group {} message not delivered on this node: {}",
                                               group, failure.what());
                              }
                          });
}

boost::asio::awaitable<void> InboundDelivery::fan_out(GroupId group, Frame frame) {
    const UserId sender = frame.sender();
    for (const UserId member : co_await store_.group_members(group)) {
        if (member == sender) {
            continue;
        }
        if (const SessionPtr session = directory_.find(member)) {
            session->send(frame);
        }
    }
}

}  // namespace parley::cluster
