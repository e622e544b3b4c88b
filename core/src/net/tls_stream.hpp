#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <openssl/types.h>

#include "net/byte_stream.hpp"
#include "net/handler_memory.hpp"
#include "net/loop_socket.hpp"
#include "net/tls_context.hpp"

namespace parley::net {

/// A ByteStream speaking TLS (server side) over a non-blocking TCP socket. OpenSSL reads and
/// writes the socket itself (a socket BIO on the descriptor, no buffer of ours in between) and
/// answers "want read" or "want write"; the stream remembers which, and its waits wait on that
/// direction of the socket. The handshake runs inside the first reads, so it counts against the
/// session's handshake deadline; writes before it has finished fail.
///
/// An idle connection holds this object, the SSL object (its record buffers are given back
/// while idle: SSL_MODE_RELEASE_BUFFERS) and the wait's operation (in HandlerMemory here).
///
/// Not thread safe: used on its session's loop only.
class TlsStream final : public ByteStream {
  public:
    /// `socket` must be open and belong to the session's loop; it is made non-blocking here.
    TlsStream(LoopSocket socket, std::shared_ptr<const TlsContext> context);
    ~TlsStream() override;
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    std::size_t read_some(std::span<std::uint8_t> into, boost::system::error_code& ec) override;
    std::size_t write_some(const FrameBuffers& buffers, boost::system::error_code& ec) override;
    void wait_readable(std::shared_ptr<StreamWaiter> target) override;
    void wait_writable(std::shared_ptr<StreamWaiter> target) override;
    void shutdown() noexcept override;
    void shutdown_send() noexcept override;
    void close() noexcept override;
    std::string remote_address() const override;
    std::optional<PeerIdentity> peer_identity() const override;

  private:
    void send_close_notify() noexcept;
    static constexpr std::size_t kWaitRoom = 104;
    enum class Want : std::uint8_t { read, write };

    /// What a wait calls: the target's readable or writable callback.
    template <bool Readable>
    struct Ready {
        std::shared_ptr<StreamWaiter> target;
        void operator()(const boost::system::error_code& ec) const {
            if constexpr (Readable) {
                target->stream_readable(ec);
            } else {
                target->stream_writable(ec);
            }
        }
    };
    template <bool Readable>
    void wait(std::shared_ptr<StreamWaiter> target, Want on);

    /// Drives the handshake; true once it is done. would_block while it waits on the socket.
    bool handshake(boost::system::error_code& ec);
    /// A client that sent a Parley frame in plain text: told so in plain text, and logged.
    bool refuse_plaintext_client(boost::system::error_code& ec);
    /// The socket direction an SSL call that returned `result` waits on; false (and `ec` set)
    /// when it failed instead.
    bool wants(int result, Want& want, boost::system::error_code& ec);
    void log_handshake_failure(const std::string& reason) const;

    LoopSocket socket_;
    std::shared_ptr<const TlsContext> context_;
    SSL* ssl_ = nullptr;
    HandlerMemory<kWaitRoom> wait_memory_;
    Want read_wants_ = Want::read;
    Want write_wants_ = Want::write;
    bool first_byte_checked_ = false;
    bool established_ = false;
    bool failed_ = false;  ///< a fatal TLS error: no close_notify may follow
    bool close_notify_sent_ = false;
    /// The last read stopped because the caller's buffer was full, not because OpenSSL ran out
    /// of whole records: what it read ahead may hold more of them.
    bool read_stopped_full_ = false;
};

}  // namespace parley::net
