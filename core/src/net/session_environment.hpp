#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <parley/node.hpp>

namespace parley::dispatch {
class Dispatcher;
}

namespace parley::net {

class ClientSession;

struct SessionLimits {
    std::uint32_t max_frame_size = 64 * 1024;
    std::uint64_t write_queue_limit = 4 * 1024 * 1024;
    std::chrono::milliseconds handshake_timeout{5000};
    std::chrono::milliseconds heartbeat_interval{10000};
    unsigned idle_heartbeats = 3;
    /// How long a closing session may take to flush its last frames.
    std::chrono::milliseconds close_linger{1000};
};

/// What the broker learns from its sessions. Called on the session's loop.
class SessionEvents {
  public:
    virtual ~SessionEvents() = default;
    virtual void on_login(const std::shared_ptr<ClientSession>& session) = 0;
    /// Exactly once per session, as soon as it starts closing: from then on it takes no new
    /// messages, so the node must stop routing to it.
    virtual void on_leaving(ClientSession& session) = 0;
    /// Exactly once per session, after its socket closed.
    virtual void on_closed(ClientSession& session) = 0;
};

/// Everything a session needs from the node; outlives every session.
struct SessionEnvironment {
    SessionLimits limits;
    const dispatch::Dispatcher& dispatcher;
    Node& node;
    SessionEvents& events;
};

}  // namespace parley::net
