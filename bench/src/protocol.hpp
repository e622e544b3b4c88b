#pragma once
// One adapter per wire protocol: how a simulated user logs in and subscribes, how a message and
// a heartbeat are written, and how the bytes a server sends are split into events. Adapters are
// stateless apart from the per-connection ProtocolState, so one instance serves every
// connection of a thread. All calls are made on the connection's own thread.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "byte_buffer.hpp"
#include "options.hpp"
#include "payload.hpp"

namespace parley::bench {

class Connection;

/// What to do right after the TCP connection is up.
struct LoginRequest {
    std::uint32_t user_id = 0;
    bool inbox = false;                     ///< subscribe to the user's own private messages
    std::span<const std::uint32_t> groups;  ///< groups to join / subscribe to
    bool publisher_only = false;            ///< a second connection that only publishes
    bool sync = false;  ///< Parley: replay what the user missed right after the login
};

/// How far a client holds one conversation (Parley's Position and StreamState).
struct SyncPosition {
    std::uint32_t kind = 0;  ///< 1 direct, 2 group
    std::uint32_t peer = 0;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;  ///< every message up to this one is in the client's hands
};

/// The end of one sync round (Parley SYNC DONE).
struct SyncRoundEnd {
    bool more = false;  ///< the round hit its limit: ask again from `streams`
    std::vector<SyncPosition> streams;
};

/// Per-connection protocol bookkeeping, owned by the Connection.
struct ProtocolState {
    std::uint32_t awaiting = 0;  ///< answers still due before the login is complete
    std::uint32_t next_id = 1;   ///< request ids / MQTT packet ids
    std::uint32_t user_id = 0;   ///< the logged-in user, where the protocol needs it later
};

/// One message to write: the stamp and padding become its content.
struct Outgoing {
    std::uint32_t to = 0;  ///< user id (private) or group id (group)
    const Stamp& stamp;
    std::size_t payload_size;
};

/// Receives what a parser found. Called from inside ProtocolAdapter::parse.
class ProtocolEvents {
  public:
    virtual void on_ready(Connection& connection) = 0;
    virtual void on_delivery(Connection& connection, std::string_view payload) = 0;
    /// The server accepted a published message (Parley ACK, MQTT PUBACK, Redis PUBLISH reply).
    virtual void on_ack(Connection& connection) = 0;
    /// The server refused something or said goodbye; `reason` is for the report.
    virtual void on_refused(Connection& connection, std::string_view reason) = 0;
    /// A sync round ended (only adapters that write_sync report it).
    virtual void on_sync_done(Connection& /*connection*/, const SyncRoundEnd& /*end*/) {}

  protected:
    ~ProtocolEvents() = default;
};

class ProtocolAdapter {
  public:
    virtual ~ProtocolAdapter() = default;

    /// True when a user needs a second connection to publish on (Redis: a subscribed
    /// connection may not PUBLISH).
    virtual bool separate_publisher() const { return false; }

    /// Writes what follows the TCP connect and sets state.awaiting to the number of answers
    /// that complete the login; 0 means the connection is ready at once.
    virtual void write_login(const LoginRequest& login, ProtocolState& state, ByteBuffer& out) = 0;
    virtual void write_private(const Outgoing& message, ProtocolState& state, ByteBuffer& out) = 0;
    virtual void write_group(const Outgoing& message, ProtocolState& state, ByteBuffer& out) = 0;
    virtual void write_heartbeat(ProtocolState& state, ByteBuffer& out) = 0;
    /// Asks for the next sync round from `positions`, at most `limit` messages. False when the
    /// protocol has no such request.
    virtual bool write_sync(std::span<const SyncPosition> /*positions*/, std::uint32_t /*limit*/,
                            ProtocolState& /*state*/, ByteBuffer& /*out*/) {
        return false;
    }

    /// Over WebSocket: how many bytes at the front of `pending` (whole units the adapter wrote)
    /// go in the next binary message. By default the whole batch, as NATS and MQTT clients
    /// send a stream's bytes in whatever messages they like.
    virtual std::size_t websocket_message_size(std::string_view pending) const {
        return pending.size();
    }

    /// Consumes every complete unit at the front of `in` and reports it to `events`; replies the
    /// protocol demands (PONG, PUBACK) are appended to `out`. False when the server broke the
    /// protocol or ended the session: the connection is then closed.
    virtual bool parse(ByteBuffer& in, ProtocolState& state, ByteBuffer& out,
                       Connection& connection, ProtocolEvents& events) = 0;
};

std::unique_ptr<ProtocolAdapter> make_protocol(const BenchOptions& options);

}  // namespace parley::bench
