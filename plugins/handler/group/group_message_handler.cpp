#include "group_message_handler.hpp"

#include <parley.pb.h>

#include <parley/router.hpp>
#include <parley/store.hpp>

#include "common/request.hpp"
#include "group_target.hpp"

namespace parley::plugins::handlers {

asio::awaitable<void> GroupMessageHandler::handle(RequestContext& ctx, const Frame& frame) {
    const std::uint64_t client_msg_id = check_chat_request(ctx, frame, "group message");
    const GroupId group = target_group(frame, "group message");
    const UserId user = ctx.session->user();
    if (!co_await ctx.node.store().is_member(group, user)) {
        throw not_a_member(user, group);
    }
    co_await ctx.node.router().send_to_group(group, frame);
    send_ack(ctx, client_msg_id);
}

}  // namespace parley::plugins::handlers
