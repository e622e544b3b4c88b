#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <parley/node.hpp>

#include "config/session_limits.hpp"

namespace parley::dispatch {
class Dispatcher;
}

namespace parley::net {

class ClientSession;

using SessionLimits = config::SessionLimits;

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
    /// Exactly once per session, when it logs in or closes before it did.
    virtual void on_handshake_ended(ClientSession& /*session*/) {}
    /// A handshake of the session failed: the credentials were refused, or the login was.
    virtual void on_failed_login(ClientSession& /*session*/) {}
    /// How long the session's address must wait before a handshake of it is heard (its failed
    /// logins are over their rate), or nothing when it may try now.
    virtual std::optional<std::chrono::milliseconds> login_wait(ClientSession& /*session*/) {
        return std::nullopt;
    }
};

/// Everything a session needs from the node; outlives every session.
struct SessionEnvironment {
    SessionLimits limits;
    const dispatch::Dispatcher& dispatcher;
    Node& node;
    SessionEvents& events;
};

}  // namespace parley::net
