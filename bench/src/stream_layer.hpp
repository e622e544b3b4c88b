#pragma once
// What TLS and WebSocket put between a Connection and its TCP socket. Plain TCP has no layer:
// the Connection uses its socket directly, so the path every other run takes is unchanged.
// A layer takes over the socket once it is connected and lives as long as one opening of the
// connection; completion handlers hold it by shared_ptr, so closing and reopening a Connection
// never frees a stream an operation still uses.
// Not thread safe: use from the Loop's thread only, one read and one write in flight at a time.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "options.hpp"
#include "protocol.hpp"

namespace parley::bench {

using ReadHandler =
    boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;
using DoneHandler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

class StreamLayer {
  public:
    virtual ~StreamLayer() = default;

    /// The TLS handshake and/or the WebSocket upgrade over the connected socket.
    virtual void async_handshake(DoneHandler handler) = 0;
    /// Bytes of the protocol's stream (WebSocket: message payloads, joined).
    virtual void async_read_some(boost::asio::mutable_buffer buffer, ReadHandler handler) = 0;
    /// Writes every byte (WebSocket: in binary messages cut as the protocol adapter says).
    virtual void async_write(boost::asio::const_buffer bytes, DoneHandler handler) = 0;
    /// Closes the socket; `abortive` resets it. Pending operations complete as aborted.
    virtual void close(bool abortive) = 0;
    /// "TLSv1.3 TLS_AES_256_GCM_SHA384" after a TLS handshake; "" without TLS.
    virtual std::string tls_description() = 0;
};

/// Makes the layers of one workload thread: holds its TLS context (trusted CAs) and the hosts
/// the endpoints were given as, which the server's certificate must name.
class StreamLayerFactory {
  public:
    StreamLayerFactory(const BenchOptions& options, const ProtocolAdapter& protocol,
                       const std::vector<boost::asio::ip::tcp::endpoint>& servers);
    StreamLayerFactory(const StreamLayerFactory&) = delete;
    StreamLayerFactory& operator=(const StreamLayerFactory&) = delete;

    std::shared_ptr<StreamLayer> make(boost::asio::ip::tcp::socket socket,
                                      const boost::asio::ip::tcp::endpoint& server);

  private:
    struct Server {
        boost::asio::ip::tcp::endpoint endpoint;
        std::string host;  ///< as given on the command line: certificate check, SNI, Host
        std::uint16_t port;
    };
    const Server& server_of(const boost::asio::ip::tcp::endpoint& endpoint) const;

    const BenchOptions& options_;
    const ProtocolAdapter& protocol_;
    boost::asio::ssl::context tls_;
    std::vector<Server> servers_;
};

}  // namespace parley::bench
