#include "frame_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace parley::client {
namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
/// Frames written per batch: enough to coalesce a burst, few enough to keep the batch small.
constexpr std::size_t kMaxBatch = 64;

std::string describe_read_error(const boost::system::error_code& ec) {
    if (ec == asio::error::eof) {
        return "the server closed the connection";
    }
    return "read failed: " + ec.message();
}

}  // namespace

FrameConnection::FrameConnection(const Executor& executor, std::uint32_t max_body_size)
    : executor_(executor),
      resolver_(executor),
      socket_(executor),
      writer_wakeup_(executor),
      decoder_(max_body_size) {}

asio::awaitable<bool> FrameConnection::connect(const Endpoint& endpoint, const TlsOptions* tls) {
    auto [resolve_error, results] =
        co_await resolver_.async_resolve(endpoint.host, std::to_string(endpoint.port), kUseTuple);
    if (closed_) {
        co_return false;
    }
    if (resolve_error) {
        close("cannot resolve " + endpoint.host + ": " + resolve_error.message());
        co_return false;
    }
    auto [connect_error, connected] = co_await asio::async_connect(socket_, results, kUseTuple);
    if (closed_) {
        co_return false;
    }
    if (connect_error) {
        close("connect to " + endpoint.to_string() + " failed: " + connect_error.message());
        co_return false;
    }
    boost::system::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);  // small frames, sent now
    if (tls != nullptr) {
        co_return co_await start_tls(endpoint, *tls);
    }
    co_return true;
}

asio::awaitable<bool> FrameConnection::start_tls(const Endpoint& endpoint, const TlsOptions& tls) {
    const std::string where = "tls://" + endpoint.to_string();
    try {
        tls_context_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
        tls_context_->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                                  asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        if (tls.ca_file.empty()) {
            tls_context_->set_default_verify_paths();
        } else {
            tls_context_->load_verify_file(tls.ca_file);
        }
        if (!tls.certificate_file.empty()) {
            tls_context_->use_certificate_chain_file(tls.certificate_file);
            tls_context_->use_private_key_file(
                tls.key_file.empty() ? tls.certificate_file : tls.key_file,
                asio::ssl::context::pem);
        }
    } catch (const boost::system::system_error& e) {
        close("TLS set-up for " + where + " failed: " + e.what());
        co_return false;
    }
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *tls_context_);
    SSL* ssl = tls_->native_handle();
    // SNI; SSL_set_tlsext_host_name() is a macro with a C cast.
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(endpoint.host.c_str()));
    if (tls.verify) {
        tls_->set_verify_mode(asio::ssl::verify_peer);
        SSL_set1_host(ssl, endpoint.host.c_str());  // a mismatch: "hostname mismatch"
    }
    auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, kUseTuple);
    if (closed_) {
        co_return false;
    }
    if (ec) {
        std::string why = ec.message();
        if (const long verify = SSL_get_verify_result(ssl); verify != X509_V_OK) {
            why = std::string{"the server's certificate is not trusted: "} +
                  X509_verify_cert_error_string(verify);
        }
        close("TLS handshake with " + where + " failed: " + why);
        co_return false;
    }
    co_return true;
}

void FrameConnection::start_writer() {
    asio::co_spawn(
        executor_, [self = shared_from_this()] { return self->write_loop(); }, asio::detached);
}

void FrameConnection::send(Frame frame) {
    if (closed_) {
        return;
    }
    queue_.push_back(std::move(frame));
    writer_wakeup_.cancel();
}

asio::awaitable<void> FrameConnection::write_loop() {
    std::vector<Frame> batch;
    std::vector<asio::const_buffer> buffers;
    while (!closed_) {
        if (queue_.empty()) {
            writer_wakeup_.expires_at(asio::steady_timer::time_point::max());
            co_await writer_wakeup_.async_wait(kUseTuple);
            continue;
        }
        batch.clear();
        buffers.clear();
        while (!queue_.empty() && batch.size() < kMaxBatch) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
            const auto bytes = batch.back().bytes();
            buffers.emplace_back(bytes.data(), bytes.size());
        }
        auto [ec, written] = tls_ ? co_await asio::async_write(*tls_, buffers, kUseTuple)
                                  : co_await asio::async_write(socket_, buffers, kUseTuple);
        if (ec) {
            close("write failed: " + ec.message());
        }
    }
}

asio::awaitable<Frame> FrameConnection::read_frame() {
    while (!closed_) {
        while (read_begin_ < read_end_) {
            read_begin_ += decoder_.consume(std::span<const std::uint8_t>(
                read_buffer_.data() + read_begin_, read_end_ - read_begin_));
            if (decoder_.failed()) {
                close(std::string("bad frame from the server: ") + decoder_.failure().what());
                co_return Frame{};
            }
            if (decoder_.frame_ready()) {
                co_return decoder_.take_frame();
            }
        }
        auto [ec, size] =
            tls_ ? co_await tls_->async_read_some(asio::buffer(read_buffer_), kUseTuple)
                 : co_await socket_.async_read_some(asio::buffer(read_buffer_), kUseTuple);
        if (ec) {
            close(describe_read_error(ec));
            co_return Frame{};
        }
        read_begin_ = 0;
        read_end_ = size;
    }
    co_return Frame{};
}

void FrameConnection::close(const std::string& reason) {
    if (closed_) {
        return;
    }
    closed_ = true;
    error_text_ = reason;
    queue_.clear();
    boost::system::error_code ignored;
    resolver_.cancel();
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    writer_wakeup_.cancel();
}

}  // namespace parley::client
