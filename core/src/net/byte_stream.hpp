#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <boost/system/error_code.hpp>

#include <parley/peer_identity.hpp>

#include "net/frame_buffers.hpp"

namespace parley::net {

/// What waits on a ByteStream: told once the stream may make progress. Handed to a wait as a
/// shared_ptr, so a pending wait keeps its owner alive (a session owns itself that way).
class StreamWaiter {
  public:
    /// read_some() may now make progress, or `ec` says the stream is gone (closed, aborted).
    virtual void stream_readable(const boost::system::error_code& ec) = 0;
    /// write_some() may now make progress, or `ec` says the stream is gone.
    virtual void stream_writable(const boost::system::error_code& ec) = 0;

  protected:
    ~StreamWaiter() = default;
};

/// The bytes of one client connection, as the session sees them: non-blocking reads and
/// gather writes, and waits that call back once either may make progress. Plain TCP is one
/// implementation; one that transforms bytes (TLS, WebSocket framing) is another, and the
/// session cannot tell them apart:
/// - read_some() may answer would_block even right after a readable callback (a TLS record is
///   incomplete, a WebSocket control frame was consumed); the session then waits again.
/// - a wait may be served by something else than the obvious readiness: a TLS read that must
///   first write (renegotiation) arms the socket's writability inside wait_readable().
/// - wait_readable() completes at once (by posting) when bytes are already buffered inside the
///   stream, so a caller may wait after a short read without asking again.
///
/// Not thread safe: used on its session's loop only. Every call but the waits completes at once.
/// At most one wait of each kind is pending at a time.
class ByteStream {
  public:
    virtual ~ByteStream() = default;

    /// Reads what is available into `into`. would_block (or try_again) when nothing is; eof
    /// when the peer finished sending; any other error ends the stream.
    virtual std::size_t read_some(std::span<std::uint8_t> into, boost::system::error_code& ec) = 0;
    /// Writes a prefix of `buffers` and returns how many bytes it consumed; would_block when
    /// nothing fits now.
    virtual std::size_t write_some(const FrameBuffers& buffers, boost::system::error_code& ec) = 0;

    /// Calls target->stream_readable() once, when read_some() may make progress.
    virtual void wait_readable(std::shared_ptr<StreamWaiter> target) = 0;
    /// Calls target->stream_writable() once, when write_some() may make progress.
    virtual void wait_writable(std::shared_ptr<StreamWaiter> target) = 0;

    /// Ends the conversation both ways, after what was written (a TLS stream would say
    /// close_notify here). Safe to call more than once.
    virtual void shutdown() noexcept = 0;
    /// Ends the sending side only, after what was written: the peer sees the end of the stream
    /// while reads go on (a lingering close). Safe to call more than once.
    virtual void shutdown_send() noexcept = 0;
    /// Releases the connection; pending waits complete with an error. Safe to call more than once.
    virtual void close() noexcept = 0;

    /// "address:port" of the peer, or "?" when unknown.
    /// Asked for when needed (logs), not kept: a string per connection is memory an idle
    /// connection should not pay for.
    virtual std::string remote_address() const = 0;

    /// What the stream verified about the peer (a TLS client certificate); nothing by default.
    virtual std::optional<PeerIdentity> peer_identity() const { return std::nullopt; }
};

}  // namespace parley::net
