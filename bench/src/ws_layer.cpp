#include "ws_layer.hpp"

#include <array>
#include <type_traits>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/error.hpp>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "byte_buffer.hpp"
#include "tls_client.hpp"
#include "ws_client_frames.hpp"

namespace parley::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kReadChunk = 64 * 1024;

std::string base64(const unsigned char* bytes, std::size_t size) {
    std::string text(4 * ((size + 2) / 3), '\0');
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes, static_cast<int>(size));
    return text;
}

/// Sec-WebSocket-Key: 16 random bytes in base64 (RFC 6455, 4.1).
std::string make_key() {
    std::array<unsigned char, 16> nonce{};
    RAND_bytes(nonce.data(), static_cast<int>(nonce.size()));
    return base64(nonce.data(), nonce.size());
}

/// The Sec-WebSocket-Accept a server must answer `key` with (RFC 6455, 4.2.2).
std::string expected_accept(const std::string& key) {
    const std::string text = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha1(), nullptr);
    return base64(digest.data(), size);
}

/// One connection's WebSocket over `Next` (tcp::socket for ws, TlsSocket for wss). Beast's
/// HTTP code makes the upgrade; the messages are framed here rather than by
/// beast::websocket::stream, which hands over one message per read and takes one per write:
/// a batch would then cost a system call per message on both sides, where over TCP it costs
/// one, and the server's figures would measure that instead of its WebSocket code.
template <typename Next>
class WsLayer final : public StreamLayer, public std::enable_shared_from_this<WsLayer<Next>> {
  public:
    static constexpr bool kTls = std::is_same_v<Next, TlsSocket>;

    template <typename... NextArgs>
    WsLayer(const WebSocketTarget& target, const ProtocolAdapter& protocol, NextArgs&&... next)
        : next_(std::forward<NextArgs>(next)...), target_(target), protocol_(protocol) {
        if constexpr (kTls) {
            prepare_tls_client(next_, target_.host);
        }
    }

    void async_handshake(DoneHandler handler) override {
        if constexpr (kTls) {
            next_.async_handshake(asio::ssl::stream_base::client,
                                  [self = this->shared_from_this(), handler = std::move(handler)](
                                      const boost::system::error_code& error) mutable {
                                      if (error) {
                                          std::move(handler)(error);
                                          return;
                                      }
                                      self->send_upgrade(std::move(handler));
                                  });
        } else {
            send_upgrade(std::move(handler));
        }
    }

    void async_read_some(asio::mutable_buffer buffer, ReadHandler handler) override {
        const auto produced = decoder_.decode(raw_, static_cast<char*>(buffer.data()),
                                              buffer.size(), replies_, next_mask());
        if (produced > 0 || decoder_.status() != ws::ServerFrameDecoder::Status::open) {
            boost::system::error_code error;
            if (produced == 0) {
                error =
                    decoder_.status() == ws::ServerFrameDecoder::Status::closed
                        ? beast::websocket::error::closed
                        : boost::system::errc::make_error_code(boost::system::errc::protocol_error);
            }
            // Complete as an asynchronous operation must: never inside the call.
            asio::post(next_.get_executor(),
                       [handler = std::move(handler), error, produced]() mutable {
                           std::move(handler)(error, produced);
                       });
            return;
        }
        next_.async_read_some(
            asio::buffer(raw_.prepare(kReadChunk), kReadChunk),
            [self = this->shared_from_this(), buffer, handler = std::move(handler)](
                const boost::system::error_code& error, std::size_t bytes) mutable {
                if (error) {
                    std::move(handler)(error, 0);
                    return;
                }
                self->raw_.commit(bytes);
                self->async_read_some(buffer, std::move(handler));
            });
    }

    /// Every message of the batch leaves in one write, as the batch would over TCP. Pongs owed
    /// to the server's pings go first (none of the servers measured pings a client).
    void async_write(asio::const_buffer bytes, DoneHandler handler) override {
        framed_.clear();
        framed_.swap(replies_);
        std::string_view rest(static_cast<const char*>(bytes.data()), bytes.size());
        while (!rest.empty()) {
            const auto size = protocol_.websocket_message_size(rest);
            ws::append_client_frame(framed_, ws::kBinary, rest.substr(0, size), next_mask());
            rest.remove_prefix(size);
        }
        asio::async_write(next_, asio::buffer(framed_.data(), framed_.size()),
                          [self = this->shared_from_this(), handler = std::move(handler)](
                              const boost::system::error_code& error, std::size_t) mutable {
                              std::move(handler)(error);
                          });
    }

    void close(bool abortive) override {
        auto& socket = beast::get_lowest_layer(next_);
        boost::system::error_code ignored;
        if (abortive) {
            socket.set_option(asio::socket_base::linger(true, 0), ignored);
        }
        socket.close(ignored);
    }

    std::string tls_description() override {
        if constexpr (kTls) {
            return describe_tls(next_);
        } else {
            return {};
        }
    }

  private:
    void send_upgrade(DoneHandler handler) {
        key_ = make_key();
        request_ = {http::verb::get, target_.path, 11};
        request_.set(http::field::host, target_.host + ":" + std::to_string(target_.port));
        request_.set(http::field::upgrade, "websocket");
        request_.set(http::field::connection, "Upgrade");
        request_.set(http::field::sec_websocket_key, key_);
        request_.set(http::field::sec_websocket_version, "13");
        request_.set(http::field::user_agent, "parley-bench");
        if (!target_.subprotocol.empty()) {
            request_.set(http::field::sec_websocket_protocol, target_.subprotocol);
        }
        http::async_write(next_, request_,
                          [self = this->shared_from_this(), handler = std::move(handler)](
                              const boost::system::error_code& error, std::size_t) mutable {
                              if (error) {
                                  std::move(handler)(error);
                                  return;
                              }
                              self->read_answer(std::move(handler));
                          });
    }

    void read_answer(DoneHandler handler) {
        http::async_read(next_, answer_buffer_, answer_,
                         [self = this->shared_from_this(), handler = std::move(handler)](
                             boost::system::error_code error, std::size_t) mutable {
                             if (!error) {
                                 error = self->check_answer();
                             }
                             std::move(handler)(error);
                         });
    }

    boost::system::error_code check_answer() {
        if (answer_.result() != http::status::switching_protocols) {
            return beast::websocket::error::upgrade_declined;
        }
        if (answer_[http::field::sec_websocket_accept] != expected_accept(key_)) {
            return beast::websocket::error::bad_sec_accept;
        }
        // What the server sent right after its answer is the start of its first frames.
        const auto early = answer_buffer_.data();
        raw_.append({static_cast<const char*>(early.data()), early.size()});
        answer_buffer_ = {};
        answer_ = {};
        return {};
    }

    /// Masking keys: RFC 6455 wants them unpredictable to scripts in a browser; here they only
    /// have to vary, so xorshift32 from the layer's address does.
    std::uint32_t next_mask() noexcept {
        mask_state_ ^= mask_state_ << 13;
        mask_state_ ^= mask_state_ >> 17;
        mask_state_ ^= mask_state_ << 5;
        return mask_state_;
    }

    Next next_;
    WebSocketTarget target_;
    const ProtocolAdapter& protocol_;
    std::string key_;
    http::request<http::empty_body> request_;
    beast::flat_buffer answer_buffer_;
    http::response<http::string_body> answer_;
    ws::ServerFrameDecoder decoder_;
    ByteBuffer raw_;      ///< bytes read from below, not yet decoded
    ByteBuffer framed_;   ///< the batch being written
    ByteBuffer replies_;  ///< pongs waiting for the next write
    std::uint32_t mask_state_ =
        static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(this)) | 1U;
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
