#include "tls_layer.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "tls_client.hpp"

namespace parley::bench {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class TlsLayer final : public StreamLayer {
  public:
    TlsLayer(tcp::socket socket, asio::ssl::context& context, const std::string& host,
             bool plain_line_first)
        : stream_(std::move(socket), context), plain_line_first_(plain_line_first) {
        prepare_tls_client(stream_, host);
    }

    void async_handshake(DoneHandler handler) override {
        if (!plain_line_first_) {
            start_tls(std::move(handler));
            return;
        }
        asio::async_read_until(
            stream_.next_layer(), plain_line_, "\r\n",
            [this, handler = std::move(handler)](const boost::system::error_code& error,
                                                 std::size_t line) mutable {
                if (!error && plain_line_.size() != line) {
                    // The server spoke TLS before the client said hello: not the expected order.
                    std::move(handler)(asio::error::make_error_code(asio::error::invalid_argument));
                    return;
                }
                if (error) {
                    std::move(handler)(error);
                    return;
                }
                start_tls(std::move(handler));
            });
    }

    void async_read_some(asio::mutable_buffer buffer, ReadHandler handler) override {
        stream_.async_read_some(buffer, std::move(handler));
    }

    void async_write(asio::const_buffer bytes, DoneHandler handler) override {
        asio::async_write(stream_, bytes,
                          [handler = std::move(handler)](const boost::system::error_code& error,
                                                         std::size_t /*bytes*/) mutable {
                              std::move(handler)(error);
                          });
    }

    void close(bool abortive) override {
        boost::system::error_code ignored;
        if (abortive) {
            stream_.next_layer().set_option(asio::socket_base::linger(true, 0), ignored);
        }
        stream_.next_layer().close(ignored);
    }

    std::string tls_description() override { return describe_tls(stream_); }

  private:
    void start_tls(DoneHandler handler) {
        stream_.async_handshake(asio::ssl::stream_base::client, std::move(handler));
    }

    TlsSocket stream_;
    bool plain_line_first_;
    asio::streambuf plain_line_;
};

}  // namespace

std::shared_ptr<StreamLayer> make_tls_layer(tcp::socket socket, asio::ssl::context& context,
                                            const std::string& host, bool plain_line_first) {
    return std::make_shared<TlsLayer>(std::move(socket), context, host, plain_line_first);
}

}  // namespace parley::bench
