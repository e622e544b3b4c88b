#include "group_message_handler.hpp"

#include <parley.pb.h>

#include <parley/message_log.hpp>
#include <parley/router.hpp>
#include <parley/store.hpp>

#include "common/request.hpp"
#include "common/sequenced_frame.hpp"
#include "group_target.hpp"

namespace parley::plugins::handlers {

bool GroupMessageHandler::pipelines(const Frame& /*frame*/, Node& node) const {
    return appends_in_order(node);
}

asio::awaitable<void> GroupMessageHandler::handle(RequestContext& ctx, const Frame& frame) {
    const std::uint64_t client_msg_id = check_chat_request(ctx, frame, "group message");
    const GroupId group = target_group(frame, "group message");
    const UserId user = ctx.session->user();
    if (!co_await ctx.node.store().is_member(group, user)) {
        throw not_a_member(user, group);
    }
    // Refused before it is stored or acknowledged: an ACKed message is never dropped, and a
    // sender faster than the fan-out is told to wait instead of growing its backlog.
    if (auto refusal = ctx.node.router().refuse_group_message(group, *ctx.session)) {
        throw *std::move(refusal);
    }
    MessageLog* log = ctx.node.message_log();
    if (log == nullptr) {
        co_await ctx.node.router().send_to_group(group, frame);
        send_ack(ctx, client_msg_id);
        co_return;
    }
    // One log per group; each member's position says what they have. Members offline now, or
    // on a node the group route cannot reach, get it at their next sync.
    const Conversation conversation = Conversation::group(group);
    ctx.let_next_start();  // the append queues before it suspends: the next message may start
    const AppendResult stored = co_await log->append(conversation, user, client_msg_id, frame);
    co_await ctx.wait_turn();  // answers and pushes in the order of the requests
    // Durable, so the sender hears at once, however long the push takes.
    send_stored_ack(ctx, client_msg_id, stored);
    if (stored.duplicate) {
        co_return;
    }
    const Frame delivered = with_sequence(frame, stored.seq, stored.server_msg_id);
    try {
        co_await ctx.node.router().send_to_group(group, delivered);
    } catch (const Error&) {
        // Stored is delivered; the push is only the fast path.
    }
}

}  // namespace parley::plugins::handlers
