#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <parley/asio.hpp>
#include <parley/client/endpoint.hpp>
#include <parley/client/tls_options.hpp>
#include <parley/frame.hpp>
#include <parley/frame_decoder.hpp>

namespace parley::client {

/// One TCP connection (TLS over it for tls://) carrying frames: a decoder on the read side and, on
/// the write side, a queue drained by one writer coroutine in batches. It knows nothing of the
/// protocol.
///
/// Everything runs on one strand; call only from it. Network errors do not throw: they close
/// the connection and leave a description in error_text().
class FrameConnection : public std::enable_shared_from_this<FrameConnection> {
  public:
    using Executor = asio::strand<asio::any_io_executor>;

    FrameConnection(const Executor& executor, std::uint32_t max_body_size);

    /// Resolves `endpoint` and connects with TCP_NODELAY set, then, given `tls`, does the TLS
    /// handshake (checking the certificate against the endpoint's host name unless told not
    /// to). False when it failed or close() was called meanwhile; error_text() says why.
    asio::awaitable<bool> connect(const Endpoint& endpoint, const TlsOptions* tls = nullptr);
    /// Starts the writer; frames sent before wait in the queue until then.
    void start_writer();
    void send(Frame frame);
    /// The next frame, or an empty Frame once the connection has ended.
    asio::awaitable<Frame> read_frame();

    /// Ends the connection; idempotent. `reason` is kept if no earlier reason was.
    void close(const std::string& reason = "closed");
    bool is_open() const noexcept { return !closed_; }
    /// Why the connection ended (the first reason given), empty while it is open.
    const std::string& error_text() const noexcept { return error_text_; }

  private:
    asio::awaitable<void> write_loop();
    asio::awaitable<bool> start_tls(const Endpoint& endpoint, const TlsOptions& tls);

    Executor executor_;
    asio::ip::tcp::resolver resolver_;
    asio::ip::tcp::socket socket_;
    std::unique_ptr<asio::ssl::context> tls_context_;
    std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;  ///< tls:// only
    asio::steady_timer writer_wakeup_;  ///< waits "forever"; cancelled when frames arrive
    FrameDecoder decoder_;
    std::deque<Frame> queue_;
    std::array<std::uint8_t, 16 * 1024> read_buffer_{};
    std::size_t read_begin_ = 0;
    std::size_t read_end_ = 0;
    bool closed_ = false;
    std::string error_text_;
};

}  // namespace parley::client
