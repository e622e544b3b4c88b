#include "heartbeat_handler.hpp"

namespace parley::plugins::handlers {

asio::awaitable<void> HeartbeatHandler::handle(RequestContext& ctx, const Frame& frame) {
    ctx.session->send(
        Frame::make(FrameType::heartbeat, kNoUser, ctx.session->user(), frame.body()));
    co_return;
}

}  // namespace parley::plugins::handlers
