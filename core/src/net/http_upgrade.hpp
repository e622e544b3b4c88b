#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "net/ws_context.hpp"

namespace parley::net {

/// The HTTP/1.1 request that opens a ws/wss connection, read with Beast's parser as its bytes
/// arrive, and the answer to it: 101 and the WebSocket from then on, or a static file, or a
/// refusal (403 for an origin not allowed, 400, 404, 405, 426). Lives only until answered.
class HttpUpgrade {
  public:
    struct Answer {
        std::string response;  ///< the whole HTTP response, head and body
        int status = 0;
        bool upgraded = false;
        std::string refusal;  ///< why it was refused, for the log; "" when not refused
    };

    /// Largest request head accepted; a longer one is answered 400.
    static constexpr std::size_t kMaxHead = 8 * 1024;

    HttpUpgrade();

    /// Takes bytes of the connection. True once the request head is complete (or broken);
    /// the bytes after it are kept (leftover()).
    bool feed(std::span<const std::uint8_t> bytes);
    /// Call once feed() said true.
    Answer answer(const WsContext& context);
    /// Bytes the client sent after the request head (its first WebSocket frames).
    std::span<const std::uint8_t> leftover() const noexcept;

  private:
    boost::beast::http::request_parser<boost::beast::http::empty_body> parser_;
    std::string buffered_;  ///< bytes not yet consumed by the parser
    bool broken_ = false;
};

/// The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key (RFC 6455, 4.2.2).
std::string websocket_accept(std::string_view key);

}  // namespace parley::net
