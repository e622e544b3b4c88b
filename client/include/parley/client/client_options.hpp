#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <parley/client/backoff.hpp>
#include <parley/client/conversation.hpp>
#include <parley/client/tls_options.hpp>
#include <parley/types.hpp>

namespace parley::client {

struct ClientOptions {
    UserId user_id = kNoUser;
    std::string token;
    std::string client_name = "parley-client/0.1";  ///< shown in the server's logs

    /// How often to send a heartbeat; by default the server's heartbeat_interval_ms.
    std::optional<std::chrono::milliseconds> heartbeat_interval;
    /// Heartbeats sent in a row with no reply before the connection counts as dead.
    int max_missed_heartbeats = 3;

    /// Reconnect after a dropped connection. A refused login is not retried (but see Client
    /// on DUPLICATE_LOGIN after an abandoned handshake).
    bool reconnect = true;
    BackoffOptions backoff;
    /// Name resolution, TCP connect and handshake together must finish within this.
    std::chrono::milliseconds connect_timeout{5000};

    /// For tls:// endpoints: what to trust, and this client's certificate for mutual TLS.
    TlsOptions tls;

    /// Largest frame body accepted from the server.
    std::uint32_t max_body_size = 4 * 1024 * 1024;
    /// Frames held while there is no logged-in connection; more are refused with an error.
    std::size_t max_outbox = 1024;

    /// On a node with a message log: where each conversation stood when the application last
    /// saved Client::positions(). Conversations not listed start from the server's record.
    Positions initial_positions;
    /// On a node with a message log: a SYNC once this long has passed without one. A push can
    /// be lost while a node or the cluster's transport fails; the message is stored, and this
    /// bounds how late a client that receives nothing else learns of it. 0 turns it off.
    std::chrono::milliseconds resync_interval{30000};
    /// The first request id. A node with a message log ignores a resent client_msg_id for a
    /// while (10 minutes by default), so an application that restarts sooner should start
    /// above the ids of its previous run.
    std::uint64_t first_msg_id = 1;
};

}  // namespace parley::client
