#include "private_message_handler.hpp"

#include <string>

#include <parley.pb.h>

#include <parley/router.hpp>

#include "common/request.hpp"

namespace parley::plugins::handlers {

asio::awaitable<void> PrivateMessageHandler::handle(RequestContext& ctx, const Frame& frame) {
    const auto message =
        parse_request<wire::ChatMessage>(ctx, frame, "private message", "ChatMessage");
    const UserId recipient = frame.receiver();
    if (recipient == kNoUser) {
        throw Error(ErrorCode::recipient_unavailable, "private message to user 0 (no recipient)");
    }
    // The core stamped the authenticated sender into the frame; it travels as it is.
    const Delivery delivery = co_await ctx.node.router().send_to_user(recipient, frame);
    if (delivery == Delivery::offline) {
        throw Error(ErrorCode::recipient_unavailable,
                    "user " + std::to_string(recipient) + " is offline");
    }
    send_ack(ctx, message.client_msg_id());
}

}  // namespace parley::plugins::handlers
