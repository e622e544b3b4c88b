#include "cluster/direct_delivery.hpp"

#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <parley/log_failure.hpp>

#include "cluster/router.hpp"
#include "cluster/undelivered_notice.hpp"

namespace parley::cluster {
namespace {

/// How often a message may be forwarded: about kMaxHops * kRetryDelay for a node that is away
/// to come back, or for its user's record to expire.
constexpr std::uint8_t kMaxHops = 20;
constexpr std::chrono::seconds kRetryDelay{1};

}  // namespace

DirectDelivery::DirectDelivery(std::string node_id, LocalDirectory& directory, Store& store,
                               ClusterRouter& router, Transport& transport, net::LoopPool& loops)
    : node_id_(std::move(node_id)),
      directory_(directory),
      store_(store),
      router_(router),
      transport_(transport),
      loops_(loops) {}

void DirectDelivery::on_envelope(Envelope envelope) {
    if (const SessionPtr session = directory_.find(envelope.recipient)) {
        session->send(std::move(envelope.frame));
        return;
    }
    // One loop per recipient keeps a recipient's re-routed messages in order.
    auto& loop = loops_.at(envelope.recipient % loops_.size());
    const UserId recipient = envelope.recipient;
    boost::asio::co_spawn(
        loop, reroute(std::move(envelope)),
        logging_failure(fmt::format("re-routing a message for user {}", recipient)));
}

boost::asio::awaitable<void> DirectDelivery::reroute(Envelope envelope) {
    const UserId recipient = envelope.recipient;
    if (envelope.hops >= kMaxHops) {
        report_undelivered(envelope, fmt::format("user {}'s node did not take the message in "
                                                 "{} tries",
                                                 recipient, envelope.hops));
        co_return;
    }
    std::optional<SessionRecord> record;
    try {
        record = co_await store_.locate(recipient);
    } catch (const std::exception& e) {
        report_undelivered(envelope,
                           fmt::format("user {} could not be located: {}", recipient, e.what()));
        co_return;
    }
    if (!record || record->node_id == node_id_) {
        report_undelivered(envelope, fmt::format("user {} went offline", recipient));
        co_return;
    }
    if (record->epoch == envelope.session_epoch) {
        // Addressed to that very session on another node, yet consumed here: this node adopted
        // that node's route, so the node is away (paused, or dead until the record expires)
        // while its user may still be logged in there. Send it there again after a pause
        // rather than give up: a node that comes back takes its route back.
        asio::steady_timer pause(co_await asio::this_coro::executor, kRetryDelay);
        co_await pause.async_wait(asio::use_awaitable);
        if (const SessionPtr session = directory_.find(recipient)) {
            session->send(std::move(envelope.frame));  // logged in here meanwhile
            co_return;
        }
    }
    spdlog::debug("user {} is on node '{}'; forwarding (hop {})", recipient, record->node_id,
                  envelope.hops + 1);
    ++envelope.hops;
    envelope.session_epoch = record->epoch;
    const Envelope copy = envelope;  // shares the frame's bytes
    try {
        co_await transport_.publish_to_node(record->node_id, std::move(envelope));
    } catch (const std::exception& e) {
        report_undelivered(copy, fmt::format("forwarding to user {} on node '{}' failed: {}",
                                             recipient, record->node_id, e.what()));
    }
}

void DirectDelivery::report_undelivered(const Envelope& envelope, const std::string& reason) {
    const Frame& message = envelope.frame;
    // Only a message whose sender waits on it (a ref id to answer) is reported: not a notice
    // (from nobody), and not a stored message, which the recipient gets at the next sync.
    if (message.sender() == kNoUser || envelope.ref_id == 0) {
        spdlog::info("dropped a frame of type {:#04x}: {}", message.raw_type(), reason);
        return;
    }
    spdlog::info("message from user {} not delivered: {}", message.sender(), reason);
    auto& loop = loops_.at(message.sender() % loops_.size());
    boost::asio::co_spawn(
        loop,
        [this, notice = undelivered_notice(message, envelope.ref_id,
                                           reason)]() -> boost::asio::awaitable<void> {
            const UserId sender = notice.receiver();
            // The notice travels like a message to the sender, who may be on any node.
            if (co_await router_.send_to_user(sender, notice, 0) == Delivery::offline) {
                spdlog::info("sender {} is offline too; nobody to tell", sender);
            }
        },
        logging_failure("telling a sender about an undelivered message"));
}

void KickDelivery::on_envelope(Envelope envelope) {
    router_.kick_local(envelope.recipient, envelope.session_epoch);
}

}  // namespace parley::cluster
