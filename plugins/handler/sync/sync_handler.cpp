#include "sync_handler.hpp"

#include <parley.pb.h>

#include <parley/wire_ids.hpp>

#include "common/replay.hpp"
#include "common/request.hpp"
#include "message_log_required.hpp"

namespace parley::plugins::handlers {
namespace {

// The peers of the positions a SyncRequest names.
constexpr IdField kPositionIds[] = {{2}};
constexpr IdField kSyncIds[] = {{2, kPositionIds}};

}  // namespace

asio::awaitable<void> SyncHandler::handle(RequestContext& ctx, const Frame& frame) {
    const auto request = parse_request<wire::SyncRequest>(ctx, frame, "SYNC", "SyncRequest");
    if (!id_fields_fit(frame.body(), kSyncIds)) {
        throw Error(ErrorCode::bad_body, "SYNC names a peer that does not fit 32 bits");
    }
    MessageLog& log = message_log_for(ctx, "SYNC");
    HoldGuard hold(*ctx.session);
    co_await replay_missed(ctx, log, hold, request.client_msg_id(), request.positions(),
                           request.limit());
}

}  // namespace parley::plugins::handlers
