#include "stream_layer.hpp"

#include <stdexcept>

#include <openssl/ssl.h>

#include "tls_layer.hpp"
#include "ws_layer.hpp"

namespace parley::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
}  // namespace

StreamLayerFactory::StreamLayerFactory(const BenchOptions& options, const ProtocolAdapter& protocol,
                                       const std::vector<tcp::endpoint>& servers)
    : options_(options), protocol_(protocol), tls_(asio::ssl::context::tls_client) {
    if (options.transport == Transport::tls || options.transport == Transport::wss) {
        boost::system::error_code error;
        if (options.ca_file.empty()) {
            tls_.set_default_verify_paths(error);
        } else {
            tls_.load_verify_file(options.ca_file, error);
        }
        if (error) {
            throw std::runtime_error("--ca " + options.ca_file + ": " + error.message());
        }
        // TLS 1.3 suites in the order browsers offer them, so that servers which follow the
        // client's order (OpenSSL's default) and Go's, which prefers AES-128 on AES-NI, pick
        // the same one.
        if (SSL_CTX_set_ciphersuites(tls_.native_handle(), kTls13Suites) != 1) {
            throw std::runtime_error("cannot set the TLS 1.3 cipher suites");
        }
    }
    for (std::size_t i = 0; i < servers.size(); ++i) {
        servers_.push_back(
            Server{servers[i], options.endpoints.at(i).host, options.endpoints.at(i).port});
    }
}

const StreamLayerFactory::Server& StreamLayerFactory::server_of(
    const tcp::endpoint& endpoint) const {
    for (const auto& server : servers_) {
        if (server.endpoint == endpoint) {
            return server;
        }
    }
    throw std::logic_error("a connection to an endpoint that was never resolved");
}

std::shared_ptr<StreamLayer> StreamLayerFactory::make(tcp::socket socket,
                                                      const tcp::endpoint& endpoint) {
    const auto& server = server_of(endpoint);
    switch (options_.transport) {
        case Transport::tcp:
            break;
        case Transport::tls:
            return make_tls_layer(std::move(socket), tls_, server.host,
                                  options_.protocol == Protocol::nats);
        case Transport::ws:
        case Transport::wss: {
            // MQTT over WebSocket must name its subprotocol (MQTT 3.1.1, section 6); NATS and
            // Parley negotiate none.
            const WebSocketTarget target{server.host, server.port, options_.ws_path,
                                         options_.protocol == Protocol::mqtt ? "mqtt" : ""};
            return make_ws_layer(std::move(socket),
                                 options_.transport == Transport::wss ? &tls_ : nullptr, target,
                                 protocol_);
        }
    }
    throw std::logic_error("no layer for plain TCP");
}

}  // namespace parley::bench
