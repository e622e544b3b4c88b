#pragma once
// The client side of a TLS handshake as a browser or a NATS/MQTT library does it: the server's
// chain must lead to a trusted CA and its certificate must name the host that was dialled
// (an IP address as an IP SAN); SNI is sent for names, not for addresses.

#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

namespace parley::bench {

using TlsSocket = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

/// Sets up `stream` for a handshake with `host`; throws boost::system::system_error.
void prepare_tls_client(TlsSocket& stream, const std::string& host);

/// "TLSv1.3 TLS_AES_256_GCM_SHA384" of an established stream.
std::string describe_tls(TlsSocket& stream);

}  // namespace parley::bench
