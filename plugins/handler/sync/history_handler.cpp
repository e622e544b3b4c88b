#include "history_handler.hpp"

#include <algorithm>

#include <parley.pb.h>

#include <parley/store.hpp>
#include <parley/wire_ids.hpp>

#include "common/conversation_names.hpp"
#include "common/request.hpp"
#include "common/sequenced_frame.hpp"
#include "message_log_required.hpp"

namespace parley::plugins::handlers {
namespace {

constexpr IdField kHistoryIds[] = {{3}};  // HistoryRequest.peer

constexpr std::uint32_t kDefaultPage = 50;
constexpr std::uint32_t kMaxPage = 500;

}  // namespace

asio::awaitable<void> HistoryHandler::handle(RequestContext& ctx, const Frame& frame) {
    const auto request =
        parse_request<wire::HistoryRequest>(ctx, frame, "HISTORY", "HistoryRequest");
    if (!id_fields_fit(frame.body(), kHistoryIds)) {
        throw Error(ErrorCode::bad_body, "HISTORY names a peer that does not fit 32 bits");
    }
    MessageLog& log = message_log_for(ctx, "HISTORY");
    const UserId user = ctx.session->user();
    const auto conversation = conversation_of(user, request.kind(), request.peer());
    if (!conversation) {
        throw Error(ErrorCode::bad_body, "HISTORY names an unknown conversation kind or peer 0");
    }
    if (conversation->kind == Conversation::Kind::group &&
        !co_await ctx.node.store().is_member(conversation->low, user)) {
        throw Error(ErrorCode::permission_denied, "user " + std::to_string(user) +
                                                      " is not a member of group " +
                                                      std::to_string(conversation->low));
    }
    const std::uint32_t limit =
        request.limit() == 0 ? kDefaultPage : std::min(request.limit(), kMaxPage);
    const MessagePage page = co_await log.read_back(*conversation, request.before_seq(), limit);

    wire::HistoryPage reply;
    reply.set_client_msg_id(request.client_msg_id());
    reply.set_kind(request.kind());
    reply.set_peer(request.peer());
    reply.set_epoch(page.epoch);
    reply.set_first_seq(page.first_seq);
    for (const StoredMessage& message : page.messages) {
        const Frame delivered = with_sequence(message.frame, message.seq, message.server_msg_id);
        reply.add_frames(delivered.bytes().data(), delivered.bytes().size());
    }
    ctx.session->send(Frame::make(FrameType::history, kNoUser, user, reply));
}

}  // namespace parley::plugins::handlers
