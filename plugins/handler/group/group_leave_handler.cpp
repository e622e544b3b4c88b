#include "group_leave_handler.hpp"

#include <parley.pb.h>

#include <parley/store.hpp>

#include "common/request.hpp"
#include "group_target.hpp"

namespace parley::plugins::handlers {

asio::awaitable<void> GroupLeaveHandler::handle(RequestContext& ctx, const Frame& frame) {
    const auto request =
        parse_request<wire::GroupMembership>(ctx, frame, "group leave", "GroupMembership");
    const GroupId group = target_group(frame, "group leave");
    const UserId user = ctx.session->user();
    if (!co_await ctx.node.store().leave_group(group, user)) {
        throw not_a_member(user, group);
    }
    send_ack(ctx, request.client_msg_id());
}

}  // namespace parley::plugins::handlers
