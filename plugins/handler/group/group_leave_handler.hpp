#pragma once

#include <parley/handler.hpp>

namespace parley::plugins::handlers {

/// Removes the sender from the group (frame type 0x09, receiver = group id) and ACKs; leaving
/// a group one is not in is permission_denied.
class GroupLeaveHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;
};

}  // namespace parley::plugins::handlers
