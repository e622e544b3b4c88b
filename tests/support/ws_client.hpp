#pragma once
// A WebSocket client for tests, built on Boost.Beast: it speaks Parley frames as binary
// messages, and can also send what a server must refuse (text, over-size messages, fragments,
// pings). Every call has a deadline.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <parley/frame.hpp>

namespace parley::test {

class WsClient {
  public:
    static constexpr std::chrono::milliseconds kTimeout{5000};

    WsClient();
    ~WsClient();

    /// Connects to "host:port" and upgrades at `path`, sending `origin` when not empty. False
    /// when refused: http_status() says how (403 for an origin not allowed).
    bool connect(const std::string& endpoint, const std::string& path = "/parley",
                 const std::string& origin = "");
    int http_status() const noexcept { return http_status_; }

    bool send_frame(const Frame& frame);
    /// One binary message of arbitrary bytes, in `pieces` fragments.
    bool send_binary(const std::string& bytes, int pieces = 1);
    bool send_text(const std::string& text);
    bool send_ping(const std::string& payload);

    /// The next binary message as a frame; nothing once closed or at the deadline. A message
    /// that is not exactly one frame fails the test.
    std::optional<Frame> read_frame(std::chrono::milliseconds timeout = kTimeout);
    /// Sends a HANDSHAKE for `user` and returns the reply.
    std::optional<Frame> handshake(UserId user);

    bool closed() const noexcept { return closed_; }
    /// The close code the server sent (0 before a close).
    std::uint16_t close_code() const;
    /// Payloads of the pongs seen so far.
    const std::vector<std::string>& pongs() const noexcept { return pongs_; }

  private:
    bool run(std::chrono::milliseconds timeout, const bool& done);

    boost::asio::io_context io_;
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
    boost::beast::flat_buffer buffer_;
    std::vector<std::string> pongs_;
    int http_status_ = 0;
    bool closed_ = false;
};

struct HttpReply {
    int status = 0;  ///< 0 when no answer came
    std::string content_type;
    std::string body;
};

/// A plain HTTP/1.1 GET of `target` from "host:port".
HttpReply http_get(const std::string& endpoint, const std::string& target,
                   std::chrono::milliseconds timeout = WsClient::kTimeout);

}  // namespace parley::test
