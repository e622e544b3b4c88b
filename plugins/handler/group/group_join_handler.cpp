#include "group_join_handler.hpp"

#include <parley.pb.h>

#include <parley/store.hpp>

#include "common/request.hpp"
#include "group_target.hpp"

namespace parley::plugins::handlers {

asio::awaitable<void> GroupJoinHandler::handle(RequestContext& ctx, const Frame& frame) {
    const auto request =
        parse_request<wire::GroupMembership>(ctx, frame, "group join", "GroupMembership");
    const GroupId group = target_group(frame, "group join");
    co_await ctx.node.store().join_group(group, ctx.session->user());
    send_ack(ctx, request.client_msg_id());
}

}  // namespace parley::plugins::handlers
