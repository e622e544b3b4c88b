#include "private_message_handler.hpp"

#include <string>

#include <parley/router.hpp>

#include "common/request.hpp"

namespace parley::plugins::handlers {

asio::awaitable<void> PrivateMessageHandler::handle(RequestContext& ctx, const Frame& frame) {
    const std::uint64_t client_msg_id = check_chat_request(ctx, frame, "private message");
    const UserId recipient = frame.receiver();
    if (recipient == kNoUser) {
        throw Error(ErrorCode::recipient_unavailable, "private message to user 0 (no recipient)");
    }
    // The core stamped the authenticated sender into the frame; it travels as it is.
    const Delivery delivery =
        co_await ctx.node.router().send_to_user(recipient, frame, client_msg_id);
    if (delivery == Delivery::offline) {
        throw Error(ErrorCode::recipient_unavailable,
                    "user " + std::to_string(recipient) + " is offline");
    }
    send_ack(ctx, client_msg_id);
}

}  // namespace parley::plugins::handlers
