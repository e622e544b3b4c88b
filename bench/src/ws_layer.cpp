#include "ws_layer.hpp"

#include <string_view>
#include <type_traits>

#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "tls_client.hpp"

namespace parley::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// Large enough that Beast masks and writes a batch of NATS or MQTT commands with one send.
constexpr std::size_t kWriteBufferBytes = 64 * 1024;

template <typename Next>
class WsLayer final : public StreamLayer, public std::enable_shared_from_this<WsLayer<Next>> {
  public:
    static constexpr bool kTls = std::is_same_v<Next, TlsSocket>;

    template <typename... NextArgs>
    WsLayer(const WebSocketTarget& target, const ProtocolAdapter& protocol, NextArgs&&... next)
        : ws_(std::forward<NextArgs>(next)...), target_(target), protocol_(protocol) {
        if constexpr (kTls) {
            prepare_tls_client(ws_.next_layer(), target_.host);
        }
        ws_.binary(true);
        ws_.auto_fragment(false);
        ws_.write_buffer_bytes(kWriteBufferBytes);
        ws_.set_option(websocket::stream_base::decorator(
            [subprotocol = target_.subprotocol](websocket::request_type& request) {
                request.set(beast::http::field::user_agent, "parley-bench");
                if (!subprotocol.empty()) {
                    request.set(beast::http::field::sec_websocket_protocol, subprotocol);
                }
            }));
    }

    void async_handshake(DoneHandler handler) override {
        if constexpr (kTls) {
            ws_.next_layer().async_handshake(
                asio::ssl::stream_base::client,
                [self = this->shared_from_this(),
                 handler = std::move(handler)](const boost::system::error_code& error) mutable {
                    if (error) {
                        std::move(handler)(error);
                        return;
                    }
                    self->upgrade(std::move(handler));
                });
        } else {
            upgrade(std::move(handler));
        }
    }

    void async_read_some(asio::mutable_buffer buffer, ReadHandler handler) override {
        // Beast 1.81 cannot take an any_completion_handler itself (it asks the handler's
        // executor for blocking.never), so a plain lambda carries it and Beast uses the
        // stream's executor.
        ws_.async_read_some(buffer,
                            [handler = std::move(handler)](const boost::system::error_code& error,
                                                           std::size_t bytes) mutable {
                                std::move(handler)(error, bytes);
                            });
    }

    void async_write(asio::const_buffer bytes, DoneHandler handler) override {
        pending_ = bytes;
        write_next(std::move(handler));
    }

    void close(bool abortive) override {
        auto& socket = beast::get_lowest_layer(ws_);
        boost::system::error_code ignored;
        if (abortive) {
            socket.set_option(asio::socket_base::linger(true, 0), ignored);
        }
        socket.close(ignored);
    }

    std::string tls_description() override {
        if constexpr (kTls) {
            return describe_tls(ws_.next_layer());
        } else {
            return {};
        }
    }

  private:
    void upgrade(DoneHandler handler) {
        host_header_ = target_.host + ":" + std::to_string(target_.port);
        ws_.async_handshake(
            host_header_, target_.path,
            [handler = std::move(handler)](const boost::system::error_code& error) mutable {
                std::move(handler)(error);
            });
    }

    /// One message per call, until `pending_` is empty.
    void write_next(DoneHandler handler) {
        const std::string_view rest(static_cast<const char*>(pending_.data()), pending_.size());
        const auto size = protocol_.websocket_message_size(rest);
        ws_.async_write(asio::buffer(rest.data(), size),
                        [self = this->shared_from_this(), handler = std::move(handler)](
                            const boost::system::error_code& error, std::size_t written) mutable {
                            self->pending_ += written;
                            if (error || self->pending_.size() == 0) {
                                std::move(handler)(error);
                                return;
                            }
                            self->write_next(std::move(handler));
                        });
    }

    websocket::stream<Next> ws_;
    WebSocketTarget target_;
    const ProtocolAdapter& protocol_;
    std::string host_header_;
    asio::const_buffer pending_;
};

}  // namespace

std::shared_ptr<StreamLayer> make_ws_layer(tcp::socket socket, asio::ssl::context* tls,
                                           const WebSocketTarget& target,
                                           const ProtocolAdapter& protocol) {
    if (tls != nullptr) {
        return std::make_shared<WsLayer<TlsSocket>>(target, protocol, std::move(socket), *tls);
    }
    return std::make_shared<WsLayer<tcp::socket>>(target, protocol, std::move(socket));
}

}  // namespace parley::bench
