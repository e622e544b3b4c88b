#include "net/stream_factory.hpp"

#include <parley/endpoint.hpp>
#include <parley/frame.hpp>

#include "net/tcp_stream.hpp"
#include "net/tls_context.hpp"
#include "net/tls_stream.hpp"
#include "net/ws_context.hpp"
#include "net/ws_stream.hpp"

namespace parley::net {

StreamFactory::StreamFactory(const config::ListenEndpoint& endpoint,
                             const config::SessionLimits& limits) {
    const std::string name =
        endpoint.protocol + "://" + Endpoint{endpoint.host, endpoint.port}.to_string();
    if (endpoint.tls) {
        tls_ = std::make_shared<TlsContext>(*endpoint.tls, name);
    }
    if (endpoint.websocket) {
        // A message carries one whole frame: its header and a body of up to max_frame_size.
        ws_ = std::make_shared<WsContext>(*endpoint.websocket,
                                          limits.max_frame_size + kFrameHeaderSize, name);
    }
}

StreamFactory::~StreamFactory() = default;
StreamFactory::StreamFactory(StreamFactory&&) noexcept = default;
StreamFactory& StreamFactory::operator=(StreamFactory&&) noexcept = default;

void StreamFactory::set_listener_name(const std::string& name) {
    if (tls_) {
        tls_->set_listener(name);
    }
    if (ws_) {
        ws_->listener = name;
    }
}

std::unique_ptr<ByteStream> StreamFactory::make(LoopSocket socket) const {
    std::unique_ptr<ByteStream> stream;
    if (tls_) {
        stream = std::make_unique<TlsStream>(std::move(socket), tls_);
    } else {
        stream = std::make_unique<TcpStream>(std::move(socket));
    }
    if (ws_) {
        stream = std::make_unique<WsStream>(std::move(stream), ws_);
    }
    return stream;
}

}  // namespace parley::net
