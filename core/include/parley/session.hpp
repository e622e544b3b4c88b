#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/config.hpp>

#include <parley/asio.hpp>
#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/peer_identity.hpp>
#include <parley/types.hpp>

namespace parley {

/// One client connection as handlers and interceptors see it. The core owns sessions; others
/// hold SessionPtr only while they work on a request.
///
/// Thread safety: send(), send_error() and close() may be called from any thread (they post to
/// the session's loop, so what one thread sends is written in the order it sent it, before
/// anything it asks of the session afterwards). user() and epoch() are safe anywhere.
/// complete_login() must be called on the session's own loop, which is where handlers run.
class BOOST_SYMBOL_VISIBLE Session {
  public:
    virtual ~Session();

    /// The authenticated user, or kNoUser before the handshake completed.
    virtual UserId user() const noexcept = 0;
    /// Identifies this session among all sessions of the cluster, across restarts; tells a new
    /// login from an old one.
    virtual std::uint64_t epoch() const noexcept = 0;
    /// "host:port" of the peer, for logs; "?" once it cannot be known (the connection closed).
    virtual std::string remote_address() const = 0;
    virtual asio::any_io_executor executor() const = 0;

    /// Queues a frame for writing. A session whose queue passes the configured bound is closed
    /// with slow_consumer rather than allowed to grow.
    virtual void send(Frame frame) = 0;
    /// Sends an ERROR frame; `ref_id` is the client message id it answers, 0 for none.
    virtual void send_error(const Error& error, std::uint64_t ref_id) = 0;
    /// Sends a GOODBYE frame with `reason`, flushes what is queued, and closes.
    virtual void close(const Error& reason) = 0;

    /// Holding, for a handler that replays stored messages: from hold_sends() on, frames that
    /// send() queues (live messages from others, notices, errors) are kept aside instead of
    /// written, so the replay, written with send_through_hold(), is neither overtaken nor
    /// interleaved; release_held() ends the hold and returns what was kept, in order, for the
    /// handler to send what its replay did not already cover. Held bytes count against the
    /// write-queue limit. On the session's loop only.
    virtual void hold_sends() = 0;
    virtual void send_through_hold(Frame frame) = 0;
    virtual std::vector<Frame> release_held() = 0;
    /// Completes once the frames waiting to be written are below the session's high-water mark
    /// (at once if they are): a handler that sends much, such as a replay, paces itself to the
    /// client's reading with it. Returns false when the session is closing instead. On the
    /// session's loop only; one waiter at a time.
    virtual asio::awaitable<bool> drained() = 0;

    /// Marks the session as logged in as `user` and makes it reachable through the node's
    /// directory. The Store must already have granted the login.
    virtual void complete_login(UserId user) = 0;

    /// What the transport proved about the peer (a verified client certificate), or nothing
    /// (plain TCP, TLS without a client certificate). On the session's loop only.
    virtual std::optional<PeerIdentity> peer_identity() const { return std::nullopt; }
};

using SessionPtr = std::shared_ptr<Session>;

}  // namespace parley
