#pragma once

#include <memory>
#include <string>

#include "config/broker_config.hpp"
#include "net/byte_stream.hpp"
#include "net/loop_socket.hpp"

namespace parley::net {

class TlsContext;
struct WsContext;

/// What one listener's protocol makes of an accepted socket: a TcpStream (tcp), a TlsStream
/// (tls), a WsStream over either (ws, wss). Everything above the ByteStream is the same for all.
/// Made at start-up (so a bad certificate stops it, --check-config included); make() is called
/// on the loop the socket belongs to and may be called from every loop at once.
class StreamFactory {
  public:
    /// Throws ConfigError when the listener's TLS files cannot be used.
    StreamFactory(const config::ListenEndpoint& endpoint, const config::SessionLimits& limits);
    ~StreamFactory();
    StreamFactory(StreamFactory&&) noexcept;
    StreamFactory& operator=(StreamFactory&&) noexcept;

    std::unique_ptr<ByteStream> make(LoopSocket socket) const;

    /// Names the listener in log lines by its bound address ("tls://127.0.0.1:7443"). Call
    /// before it accepts.
    void set_listener_name(const std::string& name);

  private:
    std::shared_ptr<TlsContext> tls_;  ///< tls and wss
    std::shared_ptr<WsContext> ws_;    ///< ws and wss
};

}  // namespace parley::net
