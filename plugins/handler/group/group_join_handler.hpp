#pragma once

#include <parley/handler.hpp>

namespace parley::plugins::handlers {

/// Makes the sender a member of the group (frame type 0x08, receiver = group id) and ACKs.
/// Joining twice is harmless; membership outlives sessions.
class GroupJoinHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;
};

}  // namespace parley::plugins::handlers
