#pragma once
// The protocol's bytes in WebSocket binary messages (RFC 6455, Boost.Beast's client), over TCP
// or over TLS (wss). Outgoing bytes are cut into messages as the adapter says (Parley: one
// frame per message); incoming message payloads are joined into one stream for the parser.

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
