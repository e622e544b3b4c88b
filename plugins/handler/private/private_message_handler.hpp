#pragma once

#include <parley/handler.hpp>

namespace parley::plugins::handlers {

/// Delivers a private message (frame type 0x04, receiver = user id) through the Router, frame
/// and body untouched, and ACKs the sender once it is queued locally or accepted for the node
/// that holds the recipient. An offline recipient is recipient_unavailable: nothing is stored.
class PrivateMessageHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;
};

}  // namespace parley::plugins::handlers
