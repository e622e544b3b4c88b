#include "cluster/router.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <parley/handler.hpp>
#include <parley/session.hpp>

#include "net/refusal_log.hpp"

namespace parley::cluster {

namespace {

/// Publishes every copy at once and completes when all did, with the first failure if any:
/// a group message costs one transport round trip, however many nodes hold members. Call on a
/// loop with one thread: the completions count down on it without a lock.
asio::awaitable<std::exception_ptr> publish_all(
    Transport& transport, std::vector<std::pair<std::string, Envelope>> copies) {
    if (copies.empty()) {
        co_return nullptr;
    }
    const auto executor = co_await asio::this_coro::executor;
    struct Join {
        explicit Join(const asio::any_io_executor& on, std::size_t count)
            : left(count), done(on, asio::steady_timer::time_point::max()) {}
        std::size_t left;
        std::exception_ptr failure;
        asio::steady_timer done;  // cancelled when the last copy completes
    };
    auto join = std::make_shared<Join>(executor, copies.size());
    for (auto& [node, envelope] : copies) {
        // Completions run on this coroutine's executor (a session's loop): no lock needed.
        asio::co_spawn(executor, transport.publish_to_node(std::move(node), std::move(envelope)),
                       [join](const std::exception_ptr& error) {
                           if (error && !join->failure) {
                               join->failure = error;
                           }
                           if (--join->left == 0) {
                               join->done.cancel();
                           }
                       });
    }
    if (join->left > 0) {
        boost::system::error_code cancelled;
        co_await join->done.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
    }
    co_return join->failure;
}

}  // namespace

ClusterRouter::ClusterRouter(std::string node_id, LocalDirectory& directory, Store& store,
                             Transport& transport, GroupFanOut& groups,
                             const FanOutBacklog& backlog)
    : node_id_(std::move(node_id)),
      directory_(directory),
      store_(store),
      transport_(transport),
      groups_(groups),
      backlog_(backlog) {}

void ClusterRouter::on_nodes(const std::vector<ServiceInstance>& nodes) {
    std::vector<std::string> ids;
    ids.reserve(nodes.size());
    for (const ServiceInstance& node : nodes) {
        ids.push_back(node.id);
    }
    const bool others = std::any_of(ids.begin(), ids.end(),
                                    [this](const std::string& id) { return id != node_id_; });
    const std::lock_guard lock(nodes_mutex_);
    live_nodes_ = std::move(ids);
    others_alive_.store(others, std::memory_order_relaxed);
}

// Not coroutines themselves: deliver()'s frame is the only one a message costs.
asio::awaitable<Delivery> ClusterRouter::send_to_user(UserId recipient, Frame frame,
                                                      std::uint64_t ref_id) {
    return deliver(recipient, std::move(frame), ref_id, nullptr);
}

asio::awaitable<Delivery> ClusterRouter::send_to_user_pipelined(UserId recipient, Frame frame,
                                                                std::uint64_t ref_id,
                                                                const RequestContext& ctx) {
    return deliver(recipient, std::move(frame), ref_id, &ctx);
}

asio::awaitable<Delivery> ClusterRouter::deliver(UserId recipient, Frame frame,
                                                 std::uint64_t ref_id, const RequestContext* ctx) {
    // The sender's next message may start once this one can no longer be overtaken: it is
    // queued on the recipient's session, or on a transport that keeps the order of publishes
    // (which queues the record before the loop runs anything else, so nothing may suspend
    // between let_next_start() and the publish), or there is nothing to overtake.
    const auto let_next_start = [ctx] {
        if (ctx != nullptr) {
            ctx->let_next_start();
        }
    };
    if (const SessionPtr session = directory_.find(recipient)) {
        session->send(std::move(frame));
        let_next_start();
        co_return Delivery::local;
    }
    const auto record = co_await store_.locate(recipient);
    // A record naming this node without a local session is stale: the user just left.
    if (!record || record->node_id == node_id_) {
        let_next_start();
        co_return Delivery::offline;
    }
    Envelope envelope;
    envelope.kind = Envelope::Kind::deliver;
    envelope.recipient = recipient;
    envelope.session_epoch = record->epoch;
    envelope.frame = std::move(frame);
    envelope.ref_id = ref_id;
    if (transport_.publishes_in_order()) {
        let_next_start();
    }
    co_await transport_.publish_to_node(record->node_id, std::move(envelope));
    co_return Delivery::remote;
}

asio::awaitable<void> ClusterRouter::send_to_group(GroupId group, Frame frame) {
    if (broadcast_groups_) {
        co_await transport_.publish_to_group(group, std::move(frame));
        co_return;
    }
    if (!others_alive_.load(std::memory_order_relaxed)) {
        groups_.deliver(group, std::move(frame));
        co_return;
    }
    std::optional<std::vector<std::string>> nodes;
    std::string unknown;  // why the Store could not say where the members are
    try {
        nodes = co_await store_.group_nodes(group, interest_max_members_);
    } catch (const std::exception& e) {
        unknown = e.what();
    }
    if (!nodes) {
        // Unknown, or a group too large to look up per message: a copy to every live node, on
        // the same routes as the group's other messages, so none overtakes another.
        nodes = live_nodes();
        if (!unknown.empty()) {
            spdlog::debug("group {}: where its members are is unknown ({}); sending to every node",
                          group, unknown);
        }
        if (nodes->empty()) {  // the registry has not answered yet
            co_await transport_.publish_to_group(group, std::move(frame));
            co_return;
        }
    }
    // The members here at once, whatever becomes of the copies.
    groups_.deliver(group, frame);
    std::vector<std::pair<std::string, Envelope>> copies;
    for (std::string& node : *nodes) {
        if (node == node_id_) {
            continue;
        }
        Envelope envelope;
        envelope.kind = Envelope::Kind::group;
        envelope.recipient = group;
        envelope.session_epoch = node_tag(node);
        envelope.frame = frame;  // shares the bytes
        copies.emplace_back(std::move(node), std::move(envelope));
    }
    if (const std::exception_ptr failure = co_await publish_all(transport_, std::move(copies))) {
        std::rethrow_exception(failure);
    }
}

std::vector<std::string> ClusterRouter::live_nodes() const {
    const std::lock_guard lock(nodes_mutex_);
    return live_nodes_;
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
