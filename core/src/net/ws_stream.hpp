#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <parley/frame.hpp>

#include "net/byte_stream.hpp"
#include "net/ws_context.hpp"
#include "net/ws_frame_reader.hpp"

namespace parley::net {

class HttpUpgrade;

/// A ByteStream speaking WebSocket (server side) over another ByteStream (TCP for ws, TLS for
/// wss). The HTTP upgrade happens inside the first reads, so it counts against the session's
/// handshake deadline; a request that is not an upgrade gets its answer (a static file, 403,
/// 404, ...) and the stream then ends (eof). Once upgraded:
/// - reading: the payloads of binary messages, unmasked in place (ws::FrameReader); pings are
///   answered, a text message closes with 1003, an over-size message with 1009;
/// - writing: each Parley frame goes out as one binary message; a GOODBYE's code picks the
///   close code sent at shutdown (ws::close_code_for_goodbye).
/// Bytes accepted but not yet taken by the stream below wait in one carrier Frame.
///
/// Not thread safe: used on its session's loop only.
class WsStream final : public ByteStream {
  public:
    WsStream(std::unique_ptr<ByteStream> lower, std::shared_ptr<const WsContext> context);
    ~WsStream() override;

    std::size_t read_some(std::span<std::uint8_t> into, boost::system::error_code& ec) override;
    std::size_t write_some(const FrameBuffers& buffers, boost::system::error_code& ec) override;
    void wait_readable(std::shared_ptr<StreamWaiter> target) override;
    void wait_writable(std::shared_ptr<StreamWaiter> target) override;
    void shutdown() noexcept override;
    void shutdown_send() noexcept override;
    void close() noexcept override;
    std::string remote_address() const override { return lower_->remote_address(); }
    std::optional<PeerIdentity> peer_identity() const override { return lower_->peer_identity(); }

  private:
    /// The close frame (code from the GOODBYE) and what waits before it, best effort.
    void send_close_frame() noexcept;
    class FlushFirst;
    enum class State : std::uint8_t {
        upgrading,  ///< reading the HTTP request
        answering,  ///< writing a response that is not an upgrade; then eof
        open,       ///< WebSocket messages both ways
        closing,    ///< a close frame was received or sent: reading is over
        done,       ///< shut down
    };

    std::size_t read_request(std::span<std::uint8_t> into, boost::system::error_code& ec);
    std::size_t read_messages(std::span<std::uint8_t> into, boost::system::error_code& ec);
    /// Queues bytes to write after what is pending.
    void queue(std::string_view bytes);
    /// Writes what is pending; false when some is left (`ec` says why: would_block or worse).
    bool flush(boost::system::error_code& ec);
    bool pending() const noexcept { return !pending_.empty(); }

    std::unique_ptr<ByteStream> lower_;
    std::shared_ptr<const WsContext> context_;
    std::unique_ptr<HttpUpgrade> upgrade_;              ///< until the request is answered
    std::unique_ptr<std::vector<std::uint8_t>> early_;  ///< frames sent with the request
    ws::FrameReader reader_;
    Frame pending_;  ///< a carrier of bytes accepted but not yet written, from pending_at_
    std::uint32_t pending_at_ = 0;
    std::uint32_t goodbye_code_ = 0;  ///< of the GOODBYE written, if one was
    State state_ = State::upgrading;
};

}  // namespace parley::net
