#pragma once
// The protocol's bytes inside TLS on the TCP connection.

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "stream_layer.hpp"

namespace parley::bench {

/// `plain_line_first`: the server sends one line in plain text before the handshake, as
/// nats-server 2.9 does (its INFO, which says that TLS is required); the line is read and
/// dropped, since the adapter needs nothing from INFO.
std::shared_ptr<StreamLayer> make_tls_layer(boost::asio::ip::tcp::socket socket,
                                            boost::asio::ssl::context& context,
                                            const std::string& host, bool plain_line_first);

}  // namespace parley::bench
