#include "cluster/router.hpp"

#include <boost/asio/awaitable.hpp>

namespace parley::cluster {

ClusterRouter::ClusterRouter(std::string node_id, LocalDirectory& directory, Store& store,
                             Transport& transport)
    : node_id_(std::move(node_id)), directory_(directory), store_(store), transport_(transport) {}

asio::awaitable<Delivery> ClusterRouter::send_to_user(UserId recipient, Frame frame,
                                                      std::uint64_t ref_id) {
    if (const SessionPtr session = directory_.find(recipient)) {
        session->send(std::move(frame));
        co_return Delivery::local;
    }
    const auto record = co_await store_.locate(recipient);
    // A record naming this node without a local session is stale: the user just left.
    if (!record || record->node_id == node_id_) {
        co_return Delivery::offline;
    }
    Envelope envelope;
    envelope.kind = Envelope::Kind::deliver;
    envelope.recipient = recipient;
    envelope.session_epoch = record->epoch;
    envelope.frame = std::move(frame);
    envelope.ref_id = ref_id;
    co_await transport_.publish_to_node(record->node_id, std::move(envelope));
    co_return Delivery::remote;
}

asio::awaitable<void> ClusterRouter::send_to_group(GroupId group, Frame frame) {
    co_await transport_.publish_to_group(group, std::move(frame));
}

asio::awaitable<void> ClusterRouter::kick(SessionRecord record) {
    if (record.node_id == node_id_) {
        kick_local(record.user, record.epoch);
        co_return;
    }
    Envelope envelope;
    envelope.kind = Envelope::Kind::kick;
    envelope.recipient = record.user;
    envelope.session_epoch = record.epoch;
    co_await transport_.publish_to_node(record.node_id, std::move(envelope));
}

asio::awaitable<void> ClusterRouter::send_to_node(std::string node_id, Envelope envelope) {
    co_await transport_.publish_to_node(std::move(node_id), std::move(envelope));
}

void ClusterRouter::kick_local(UserId user, std::uint64_t epoch) {
    if (const SessionPtr session = directory_.find(user); session && session->epoch() == epoch) {
        session->close(Error(ErrorCode::session_replaced,
                             "you logged in again elsewhere; this session is closed"));
    }
}

}  // namespace parley::cluster
