#pragma once

#include <parley/handler.hpp>

namespace parley::plugins::handlers {

/// Sends a group message (frame type 0x03, receiver = group id) to the group's online members on
/// every node, frame and body untouched, and ACKs the sender. Only members may send.
class GroupMessageHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;
    /// As a private message: with a log that keeps the order of appends.
    bool pipelines(const Frame& frame, Node& node) const override;
};

}  // namespace parley::plugins::handlers
