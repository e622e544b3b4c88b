#pragma once

#include <chrono>
#include <cstdint>

namespace parley::config {

/// What one client connection may do and how long it may take: the YAML `server:` keys of the
/// same names. The one place their defaults live.
struct SessionLimits {
    std::uint32_t max_frame_size = 64 * 1024;  ///< largest body accepted
    /// Largest body accepted before login: a HANDSHAKE is small, and a connection nobody
    /// vouches for must not make the node reserve much.
    std::uint32_t prelogin_max_frame_size = 4 * 1024;
    std::uint64_t write_queue_limit = 4 * 1024 * 1024;  ///< bytes queued before slow_consumer
    std::chrono::milliseconds handshake_timeout{5000};
    std::chrono::milliseconds heartbeat_interval{10000};
    unsigned idle_heartbeats = 3;  ///< intervals with no frame before idle_timeout
    /// How long a frame that has begun may take to arrive whole, once logged in.
    std::chrono::milliseconds frame_timeout{10000};
    /// Failed handshakes one connection may make; the last one closes it (5005).
    unsigned max_failed_logins = 5;
    /// After the n-th failed handshake the connection's next frame waits n times this.
    std::chrono::milliseconds failed_login_delay{200};
    /// Bytes queued for writing across all the node's sessions before the largest queues are
    /// closed as slow consumers (5002); each event loop keeps to its share.
    std::uint64_t max_queued_output = 512ULL * 1024 * 1024;
    /// How long a closing session may take to flush its last frames (not configurable).
    std::chrono::milliseconds close_linger{1000};
};

}  // namespace parley::config
