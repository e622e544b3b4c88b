#pragma once

#include <parley/handler.hpp>

namespace parley::plugins::handlers {

/// SYNC (0x0C): replays what the user missed, in order per conversation, then SYNC DONE, with
/// no live message overtaking or repeating the replay (common/replay.hpp).
class SyncHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;
};

}  // namespace parley::plugins::handlers
