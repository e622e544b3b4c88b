#pragma once

#include <parley/handler.hpp>

namespace parley::plugins::handlers {

/// Echoes each heartbeat (frame type 0x02) with the body it came with, so the client can measure
/// the round trip. The core counts every frame as liveness; nothing else is needed here.
class HeartbeatHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;
};

}  // namespace parley::plugins::handlers
