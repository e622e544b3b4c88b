#pragma once
// The protocol's bytes in WebSocket binary messages (RFC 6455), over TCP or over TLS (wss).
// The HTTP upgrade goes through Boost.Beast's HTTP code; the messages are framed here (see
// ws_layer.cpp for why). Outgoing bytes are cut into messages as the adapter says (Parley: one
// frame per message), masked, and a batch of them leaves in one write; the payloads of the
// server's messages are joined into one stream for the parser.

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "protocol.hpp"
#include "stream_layer.hpp"

namespace parley::bench {

struct WebSocketTarget {
    std::string host;         ///< certificate check, SNI and the Host header
    std::uint16_t port = 0;   ///< for the Host header
    std::string path;         ///< of the upgrade request
    std::string subprotocol;  ///< Sec-WebSocket-Protocol, when the server wants one (MQTT)
};

/// `tls` null: ws; otherwise wss with that context.
std::shared_ptr<StreamLayer> make_ws_layer(boost::asio::ip::tcp::socket socket,
                                           boost::asio::ssl::context* tls,
                                           const WebSocketTarget& target,
                                           const ProtocolAdapter& protocol);

}  // namespace parley::bench
