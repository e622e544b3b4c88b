#include "group_join_handler.hpp"

#include <limits>

#include <parley.pb.h>

#include <parley/message_log.hpp>
#include <parley/store.hpp>

#include "common/request.hpp"
#include "group_target.hpp"

namespace parley::plugins::handlers {

asio::awaitable<void> GroupJoinHandler::handle(RequestContext& ctx, const Frame& frame) {
    const auto request =
        parse_request<wire::GroupMembership>(ctx, frame, "group join", "GroupMembership");
    const GroupId group = target_group(frame, "group join");
    const UserId user = ctx.session->user();
    MessageLog* log = ctx.node.message_log();
    const bool was_member = log != nullptr && co_await ctx.node.store().is_member(group, user);
    co_await ctx.node.store().join_group(group, user);
    if (log != nullptr && !was_member) {
        // A new member starts at the group's present: what was said before they joined is
        // history (HISTORY pages through it), not unread messages to replay.
        const Conversation conversation = Conversation::group(group);
        const MessagePage now =
            co_await log->read(conversation, std::numeric_limits<std::uint64_t>::max(), 0);
        co_await log->acknowledge(user, conversation, now.last_seq);
        // The ACK says where the position starts, so the client does not take the next
        // message for a gap.
        send_ack(ctx, request.client_msg_id(), now.last_seq, now.epoch);
        co_return;
    }
    send_ack(ctx, request.client_msg_id());
}

}  // namespace parley::plugins::handlers
