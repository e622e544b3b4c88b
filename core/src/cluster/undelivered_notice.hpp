#pragma once

#include <cstdint>
#include <string>

#include <parley/frame.hpp>

namespace parley::cluster {

/// The ERROR frame (DELIVERY_FAILED) that tells the sender of an accepted message it could not
/// be handed over after all. It answers `ref_id`, the client message id the sender knows the
/// message by, so the client can match it to the ACK it already has.
Frame undelivered_notice(const Frame& message, std::uint64_t ref_id, const std::string& reason);

}  // namespace parley::cluster
