#pragma once

#include <string>

#include <parley/frame.hpp>

namespace parley::cluster {

/// The ERROR frame (DELIVERY_FAILED) that tells the sender of an accepted private message it
/// could not be handed over after all. It answers the message's client_msg_id, so the client
/// can match it to the ACK it already has.
Frame undelivered_notice(const Frame& message, const std::string& reason);

}  // namespace parley::cluster
