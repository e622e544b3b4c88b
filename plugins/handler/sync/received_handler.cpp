#include "received_handler.hpp"

#include <parley.pb.h>

#include <parley/wire_ids.hpp>

#include "common/conversation_names.hpp"
#include "message_log_required.hpp"

namespace parley::plugins::handlers {
namespace {

// The peers of the positions a Received names.
constexpr IdField kPositionIds[] = {{2}};
constexpr IdField kReceivedIds[] = {{1, kPositionIds}};

}  // namespace

asio::awaitable<void> ReceivedHandler::handle(RequestContext& ctx, const Frame& frame) {
    MessageLog& log = message_log_for(ctx, "RECEIVED");
    wire::Received received;
    if (!frame.parse_body(received)) {
        throw Error(ErrorCode::bad_body, "RECEIVED body is not a Received");
    }
    if (!id_fields_fit(frame.body(), kReceivedIds)) {
        throw Error(ErrorCode::bad_body, "RECEIVED names a peer that does not fit 32 bits");
    }
    const UserId user = ctx.session->user();
    for (const wire::Position& position : received.positions()) {
        const auto conversation = conversation_of(user, position.kind(), position.peer());
        if (!conversation) {
            throw Error(ErrorCode::bad_body,
                        "RECEIVED names a conversation with an unknown kind or peer 0");
        }
        co_await log.acknowledge(user, *conversation, position.seq());
    }
}

}  // namespace parley::plugins::handlers
