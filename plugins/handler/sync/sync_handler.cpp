#include "sync_handler.hpp"

#include <parley.pb.h>

#include "common/replay.hpp"
#include "common/request.hpp"
#include "message_log_required.hpp"

namespace parley::plugins::handlers {

asio::awaitable<void> SyncHandler::handle(RequestContext& ctx, const Frame& frame) {
    const auto request = parse_request<wire::SyncRequest>(ctx, frame, "SYNC", "SyncRequest");
    MessageLog& log = message_log_for(ctx, "SYNC");
    HoldGuard hold(*ctx.session);
    co_await replay_missed(ctx, log, hold, request.client_msg_id(), request.positions(),
                           request.limit());
}

}  // namespace parley::plugins::handlers
