#include "private_message_handler.hpp"

#include <string>

#include <spdlog/spdlog.h>

#include <parley/message_log.hpp>
#include <parley/router.hpp>
#include <parley/store.hpp>

#include "common/request.hpp"
#include "common/sequenced_frame.hpp"

namespace parley::plugins::handlers {
namespace {

Error offline(UserId recipient) {
    return Error(ErrorCode::recipient_unavailable,
                 "user " + std::to_string(recipient) + " is offline");
}

}  // namespace

bool PrivateMessageHandler::pipelines(const Frame& /*frame*/, Node& node) const {
    if (node.message_log() != nullptr) {
        return appends_in_order(node);
    }
    return node.router().sends_in_order();
}

asio::awaitable<void> PrivateMessageHandler::handle(RequestContext& ctx, const Frame& frame) {
    const std::uint64_t client_msg_id = check_chat_request(ctx, frame, "private message");
    const UserId recipient = frame.receiver();
    if (recipient == kNoUser) {
        throw Error(ErrorCode::recipient_unavailable, "private message to user 0 (no recipient)");
    }
    if (MessageLog* log = ctx.node.message_log()) {
        co_await store_and_push(ctx, frame, client_msg_id, *log);
        co_return;
    }
    // The core stamped the authenticated sender into the frame; it travels as it is. The
    // router lets the sender's next message start once this one is on its way.
    const Delivery delivery =
        co_await ctx.node.router().send_to_user_pipelined(recipient, frame, client_msg_id, ctx);
    if (ctx.order != nullptr) {  // not pipelined (a node alone): no turn to wait, no frame to pay
        co_await ctx.wait_turn();
    }
    if (delivery == Delivery::offline) {
        throw offline(recipient);
    }
    send_ack(ctx, client_msg_id);
}

asio::awaitable<void> PrivateMessageHandler::store_and_push(RequestContext& ctx, const Frame& frame,
                                                            std::uint64_t client_msg_id,
                                                            MessageLog& log) {
    const UserId recipient = frame.receiver();
    if (settings_.offline == OfflinePolicy::refuse &&
        !(co_await ctx.node.store().locate(recipient))) {
        throw offline(recipient);
    }
    const Conversation conversation = Conversation::direct(frame.sender(), recipient);
    // The append is queued before it first suspends: the sender's next message may start now
    // and will be stored after this one.
    ctx.let_next_start();
    const AppendResult stored =
        co_await log.append(conversation, frame.sender(), client_msg_id, frame);
    // Answers and pushes keep the order of the sender's requests.
    co_await ctx.wait_turn();
    // Durable, so the sender hears at once, however long the push takes.
    send_stored_ack(ctx, client_msg_id, stored);
    if (stored.duplicate) {
        co_return;  // pushed the first time; the recipient's sync covers the rest
    }
    // Stored is delivered: the push is the fast path, the recipient's next sync the safety net.
    // A push that fails (the recipient's node is unreachable) loses nothing.
    try {
        const Frame delivered = with_sequence(frame, stored.seq, stored.server_msg_id);
        co_await ctx.node.router().send_to_user(recipient, delivered, 0);
    } catch (const std::exception& e) {
        spdlog::debug("private message {} to user {} stored, not pushed: {}", stored.seq, recipient,
                      e.what());
    }
}

}  // namespace parley::plugins::handlers
