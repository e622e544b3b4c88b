#include "cluster/router.hpp"

#include <string>

#include <boost/asio/awaitable.hpp>

#include <parley/session.hpp>

#include "net/refusal_log.hpp"

namespace parley::cluster {

ClusterRouter::ClusterRouter(std::string node_id, LocalDirectory& directory, Store& store,
                             Transport& transport, const FanOutBacklog& backlog)
    : node_id_(std::move(node_id)),
      directory_(directory),
      store_(store),
      transport_(transport),
      backlog_(backlog) {}

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

std::optional<Error> ClusterRouter::refuse_group_message(GroupId group, const Session& sender) {
    const auto wait = backlog_.wait_before(group);
    if (!wait) {
        return std::nullopt;
    }
    const FanOutBacklog::Totals waiting = backlog_.group(group);
    const FanOutBacklog::Totals node = backlog_.node();
    net::log_refusal(net::Refusal::group_backlog,
                     "{}: user {} to group {}: the group fan-out is behind (group {} messages, "
                     "{} bytes; node {} messages, {} bytes); {}, retry in {} ms",
                     sender.remote_address(), sender.user(), group, waiting.messages, waiting.bytes,
                     node.messages, node.bytes, static_cast<unsigned>(ErrorCode::rate_limited),
                     wait->count());
    return retry_later("group " + std::to_string(group) +
                           " messages are arriving faster than this node hands them out",
                       *wait);
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
