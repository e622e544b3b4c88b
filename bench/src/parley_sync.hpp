#pragma once
// The bodies of Parley's sync frames (docs/protocol.md, section 12): the SYNC request a client
// sends to continue a replay, and the SYNC DONE that ends each round. Only the fields the
// benchmark uses; a sync happens once per run, so these may allocate.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "protocol.hpp"

namespace parley::bench {

/// SyncRequest{client_msg_id, positions, limit}.
std::string sync_request_body(std::uint64_t client_msg_id, std::span<const SyncPosition> positions,
                              std::uint32_t limit);

/// SyncDone{streams, more}; each stream's `delivered` becomes its position's `seq`.
SyncRoundEnd parse_sync_done(std::string_view body);

}  // namespace parley::bench
