#pragma once

#include <parley/handler.hpp>

#include "private_settings.hpp"

namespace parley::plugins::handlers {

/// A private message (frame type 0x04, receiver = user id).
///
/// With a message log: the message is appended to the pair's conversation (a resend of a
/// client_msg_id already stored is ACKed again with the first numbers and not delivered
/// twice), ACKed once stored, and pushed to the recipient with its sequence number if they are
/// online; an offline recipient gets it at the next sync (or 1003 under `offline: refuse`).
///
/// Without one: delivered through the Router, frame and body untouched, and ACKed once queued
/// locally or accepted for the recipient's node; an offline recipient is 1003.
class PrivateMessageHandler final : public Handler {
  public:
    explicit PrivateMessageHandler(PrivateSettings settings) : settings_(settings) {}
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;
    /// With a message log that keeps the order of appends, the sender's next frames need not
    /// wait for this one's append; without a log, on a router that sends in order, they need
    /// not wait for the transport's acknowledgement.
    bool pipelines(const Frame& frame, Node& node) const override;

  private:
    asio::awaitable<void> store_and_push(RequestContext& ctx, const Frame& frame,
                                         std::uint64_t client_msg_id, MessageLog& log);
    PrivateSettings settings_;
};

}  // namespace parley::plugins::handlers
