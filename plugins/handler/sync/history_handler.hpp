#pragma once

#include <parley/handler.hpp>

namespace parley::plugins::handlers {

/// HISTORY (0x0D): one page of a conversation the user takes part in, newest first. Groups:
/// members only, and the whole kept history (from before they joined too).
class HistoryHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;
};

}  // namespace parley::plugins::handlers
