#include "net/stream_factory.hpp"

#include <parley/endpoint.hpp>

#include "net/tcp_stream.hpp"
#include "net/tls_context.hpp"
#include "net/tls_stream.hpp"

namespace parley::net {

StreamFactory::StreamFactory(const config::ListenEndpoint& endpoint,
                             const config::SessionLimits& /*limits*/) {
    const std::string name =
        endpoint.protocol + "://" + Endpoint{endpoint.host, endpoint.port}.to_string();
    if (endpoint.tls) {
        tls_ = std::make_shared<const TlsContext>(*endpoint.tls, name);
    }
}

StreamFactory::~StreamFactory() = default;
StreamFactory::StreamFactory(StreamFactory&&) noexcept = default;
StreamFactory& StreamFactory::operator=(StreamFactory&&) noexcept = default;

std::unique_ptr<ByteStream> StreamFactory::make(LoopSocket socket) const {
    if (tls_) {
        return std::make_unique<TlsStream>(std::move(socket), tls_);
    }
    return std::make_unique<TcpStream>(std::move(socket));
}

}  // namespace parley::net
