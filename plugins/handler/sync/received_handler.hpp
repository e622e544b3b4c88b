#pragma once

#include <parley/handler.hpp>

namespace parley::plugins::handlers {

/// RECEIVED (0x0B): the client has everything up to a seq in some conversations. Moves the
/// user's positions forward; a position never moves back. Not answered.
class ReceivedHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;
};

}  // namespace parley::plugins::handlers
