#pragma once
// A blocking, frame-level TCP client for tests: it sends exactly the bytes it is told to, so
// tests can speak correct frames, wrong ones and garbage. Every call has a deadline; none can
// hang a test.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <gtest/gtest.h>

#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/frame_decoder.hpp>
#include <parley/types.hpp>

#include "parley.pb.h"

namespace parley::test {

/// How a RawClient speaks TLS: what it trusts, the name it expects, its own certificate.
struct ClientTls {
    std::filesystem::path ca;             ///< trusted CA file; empty: the system's
    std::string host_name = "localhost";  ///< checked against the server's certificate
    bool verify = true;                   ///< false: accept any certificate
    std::filesystem::path certificate;    ///< client certificate (mutual TLS); may be empty
    std::filesystem::path key;
};

/// Not thread safe: one client per thread. Operations run on the client's own io_context and
/// are cancelled at their deadline.
class RawClient {
  public:
    static constexpr std::chrono::milliseconds kTimeout{5000};

    RawClient();
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    /// Connects to "host:port" (as DaemonProcess::endpoint() gives it).
    bool connect(const std::string& endpoint, std::chrono::milliseconds timeout = kTimeout);
    /// Connects, then does the TLS handshake; false when either failed (tls_error() says why
    /// the handshake did). Every later call goes through TLS.
    bool connect_tls(const std::string& endpoint, const ClientTls& tls,
                     std::chrono::milliseconds timeout = kTimeout);
    const std::string& tls_error() const noexcept { return tls_error_; }
    void close();

    /// Writes all of `bytes`; false when the write failed or timed out.
    bool send_bytes(std::span<const std::uint8_t> bytes,
                    std::chrono::milliseconds timeout = kTimeout);
    bool send_frame(const Frame& frame, std::chrono::milliseconds timeout = kTimeout);
    bool send_frame(FrameType type, UserId sender, UserId receiver,
                    const google::protobuf::MessageLite& body,
                    std::chrono::milliseconds timeout = kTimeout);
    /// A frame whose body is `body` as raw bytes (plugin frames, or deliberately bad bodies).
    bool send_frame(FrameType type, UserId sender, UserId receiver, std::string_view body,
                    std::chrono::milliseconds timeout = kTimeout);

    /// The next frame, or nothing when none arrived in time or the connection ended (see
    /// closed()). Throws when the server's bytes are not frames: that is a server bug.
    std::optional<Frame> read_frame(std::chrono::milliseconds timeout = kTimeout);

    /// Sends a HANDSHAKE for `user` (header sender 0) and returns the reply frame.
    std::optional<Frame> handshake(UserId user, const std::string& token = "test-token",
                                   std::chrono::milliseconds timeout = kTimeout);

    /// Reads the next frame and checks it is an ERROR with `code`; the body goes to `out`.
    ::testing::AssertionResult expect_error(ErrorCode code,
                                            std::chrono::milliseconds timeout = kTimeout,
                                            wire::ErrorBody* out = nullptr);
    /// Reads the next frame and checks it is a GOODBYE with `code`.
    ::testing::AssertionResult expect_goodbye(ErrorCode code,
                                              std::chrono::milliseconds timeout = kTimeout);
    /// Reads until the server closes the connection (true) or `timeout` passes (false). Frames
    /// read on the way are appended to `frames` when given.
    bool read_until_closed(std::chrono::milliseconds timeout = kTimeout,
                           std::vector<Frame>* frames = nullptr);

    /// True once the connection ended: EOF, reset, or a failed write.
    bool closed() const noexcept { return closed_; }

  private:
    /// Runs the io_context until `done` or the deadline; at the deadline cancels the socket's
    /// operations and still waits for their handlers. Returns false when the deadline hit.
    bool run(std::chrono::milliseconds timeout, const bool& done);
    std::optional<Frame> take_buffered();

    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<boost::asio::ssl::context> tls_context_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    std::string tls_error_;
    FrameDecoder decoder_;
    std::vector<std::uint8_t> buffer_;  ///< read but not yet decoded, from buffer_pos_
    std::size_t buffer_pos_ = 0;
    bool closed_ = false;
};

}  // namespace parley::test
