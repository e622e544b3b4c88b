#include "support/raw_client.hpp"

#include <stdexcept>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace parley::test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Far above anything a test server sends; a bigger length means the stream is garbage.
constexpr std::uint32_t kMaxBody = 64 * 1024 * 1024;

std::chrono::milliseconds left_until(std::chrono::steady_clock::time_point deadline) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
}

std::string describe(const Frame& frame) {
    return "frame type 0x" +
           [&] {
               static constexpr char kHex[] = "0123456789abcdef";
               return std::string{kHex[frame.raw_type() >> 4], kHex[frame.raw_type() & 0xF]};
           }() +
           " with " + std::to_string(frame.body().size()) + " body bytes";
}

}  // namespace

RawClient::RawClient() : socket_(io_), decoder_(kMaxBody) {}

RawClient::~RawClient() {
    close();
}

bool RawClient::run(std::chrono::milliseconds timeout, const bool& done) {
    io_.restart();
    io_.run_for(timeout);
    if (done) {
        return true;
    }
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    io_.restart();
    io_.run();  // the cancelled handlers run now, so nothing refers to this frame afterwards
    return false;
}

bool RawClient::connect(const std::string& endpoint, std::chrono::milliseconds timeout) {
    const auto colon = endpoint.rfind(':');
    if (colon == std::string::npos) {
        throw std::invalid_argument("endpoint '" + endpoint + "' is not host:port");
    }
    std::string host = endpoint.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    tcp::resolver resolver(io_);
    const auto results = resolver.resolve(host, endpoint.substr(colon + 1));

    bool done = false;
    boost::system::error_code result;
    asio::async_connect(socket_, results, [&](const boost::system::error_code& ec, const auto&) {
        result = ec;
        done = true;
    });
    if (!run(timeout, done) || result) {
        return false;
    }
    socket_.set_option(tcp::no_delay(true));
    tls_.reset();  // plain until connect_tls() says otherwise
    // A new connection is a new byte stream.
    decoder_ = FrameDecoder(kMaxBody);
    buffer_.clear();
    buffer_pos_ = 0;
    closed_ = false;
    return true;
}

bool RawClient::connect_tls(const std::string& endpoint, const ClientTls& tls,
                            std::chrono::milliseconds timeout) {
    tls_.reset();
    tls_error_.clear();
    if (!connect(endpoint, timeout)) {
        tls_error_ = "TCP connect failed";
        return false;
    }
    tls_context_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    if (!tls.ca.empty()) {
        tls_context_->load_verify_file(tls.ca.string());
    }
    if (!tls.certificate.empty()) {
        tls_context_->use_certificate_chain_file(tls.certificate.string());
        tls_context_->use_private_key_file(tls.key.string(), asio::ssl::context::pem);
    }
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *tls_context_);
    if (tls.verify) {
        // OpenSSL's own name check: a mismatch is reported as "hostname mismatch".
        tls_->set_verify_mode(asio::ssl::verify_peer);
        SSL_set1_host(tls_->native_handle(), tls.host_name.c_str());
    }
    // SNI; SSL_set_tlsext_host_name() is a macro with a C cast.
    SSL_ctrl(tls_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(tls.host_name.c_str()));
    bool done = false;
    boost::system::error_code result;
    tls_->async_handshake(asio::ssl::stream_base::client, [&](const boost::system::error_code& ec) {
        result = ec;
        done = true;
    });
    if (!run(timeout, done) || result) {
        tls_error_ = done ? result.message() : "handshake timed out";
        if (const long verify = SSL_get_verify_result(tls_->native_handle()); verify != X509_V_OK) {
            tls_error_ += std::string{" ("} + X509_verify_cert_error_string(verify) + ")";
        }
        closed_ = true;
        return false;
    }
    return true;
}

void RawClient::close() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

bool RawClient::send_bytes(std::span<const std::uint8_t> bytes, std::chrono::milliseconds timeout) {
    bool done = false;
    boost::system::error_code result;
    auto written = [&](const boost::system::error_code& ec, std::size_t) {
        result = ec;
        done = true;
    };
    if (tls_) {
        asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()), written);
    } else {
        asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()), written);
    }
    if (!run(timeout, done)) {
        return false;
    }
    if (result) {
        closed_ = true;
        return false;
    }
    return true;
}

bool RawClient::send_frame(const Frame& frame, std::chrono::milliseconds timeout) {
    return send_bytes(frame.bytes(), timeout);
}

bool RawClient::send_frame(FrameType type, UserId sender, UserId receiver,
                           const google::protobuf::MessageLite& body,
                           std::chrono::milliseconds timeout) {
    return send_frame(Frame::make(type, sender, receiver, body), timeout);
}

bool RawClient::send_frame(FrameType type, UserId sender, UserId receiver, std::string_view body,
                           std::chrono::milliseconds timeout) {
    const std::span<const std::uint8_t> bytes{reinterpret_cast<const std::uint8_t*>(body.data()),
                                              body.size()};
    return send_frame(Frame::make(type, sender, receiver, bytes), timeout);
}

std::optional<Frame> RawClient::take_buffered() {
    while (buffer_pos_ < buffer_.size()) {
        buffer_pos_ +=
            decoder_.consume(std::span<const std::uint8_t>{buffer_}.subspan(buffer_pos_));
        if (decoder_.failed()) {
            std::string bytes;
            for (std::size_t i = 0; i < buffer_.size() && i < 64; ++i) {
                static constexpr char kHex[] = "0123456789abcdef";
                bytes += {' ', kHex[buffer_[i] >> 4], kHex[buffer_[i] & 15]};
            }
            throw std::runtime_error("the server sent bytes that are not a frame: " +
                                     std::string{decoder_.failure().what()} +
                                     "; the bytes read:" + bytes);
        }
        if (decoder_.frame_ready()) {
            return decoder_.take_frame();
        }
    }
    buffer_.clear();
    buffer_pos_ = 0;
    return std::nullopt;
}

std::optional<Frame> RawClient::read_frame(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::uint8_t chunk[16 * 1024];
    for (;;) {
        if (auto frame = take_buffered()) {
            return frame;
        }
        const auto left = left_until(deadline);
        if (closed_ || left.count() <= 0) {
            return std::nullopt;
        }
        bool done = false;
        boost::system::error_code result;
        std::size_t received = 0;
        auto read = [&](const boost::system::error_code& ec, std::size_t n) {
            result = ec;
            received = n;
            done = true;
        };
        if (tls_) {
            tls_->async_read_some(asio::buffer(chunk), read);
        } else {
            socket_.async_read_some(asio::buffer(chunk), read);
        }
        run(left, done);
        // Bytes that arrived as the deadline hit still count: they are part of the stream.
        buffer_.insert(buffer_.end(), chunk, chunk + received);
        if (result == asio::error::operation_aborted) {
            if (auto frame = take_buffered()) {
                return frame;
            }
            return std::nullopt;
        }
        if (result) {
            closed_ = true;  // EOF or reset; frames already buffered are still handed out
        }
    }
}

std::optional<Frame> RawClient::handshake(UserId user, const std::string& token,
                                          std::chrono::milliseconds timeout) {
    wire::Handshake body;
    body.set_user_id(user);
    body.set_token(token);
    body.set_client_name("parley-test");
    if (!send_frame(FrameType::handshake, kNoUser, kNoUser, body, timeout)) {
        return std::nullopt;
    }
    return read_frame(timeout);
}

::testing::AssertionResult RawClient::expect_error(ErrorCode code,
                                                   std::chrono::milliseconds timeout,
                                                   wire::ErrorBody* out) {
    const auto frame = read_frame(timeout);
    if (!frame) {
        return ::testing::AssertionFailure()
               << "expected ERROR " << static_cast<std::uint32_t>(code) << ", got "
               << (closed_ ? "a closed connection" : "nothing in time");
    }
    if (frame->type() != FrameType::error) {
        return ::testing::AssertionFailure() << "expected ERROR, got " << describe(*frame);
    }
    wire::ErrorBody body;
    if (!frame->parse_body(body)) {
        return ::testing::AssertionFailure() << "ERROR frame body is not an ErrorBody";
    }
    if (out != nullptr) {
        *out = body;
    }
    if (body.code() != static_cast<std::uint32_t>(code)) {
        return ::testing::AssertionFailure()
               << "expected ERROR " << static_cast<std::uint32_t>(code) << " (" << to_string(code)
               << "), got " << body.code() << ": " << body.msg();
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult RawClient::expect_goodbye(ErrorCode code,
                                                     std::chrono::milliseconds timeout) {
    const auto frame = read_frame(timeout);
    if (!frame) {
        return ::testing::AssertionFailure()
               << "expected GOODBYE " << static_cast<std::uint32_t>(code) << ", got "
               << (closed_ ? "a closed connection" : "nothing in time");
    }
    if (frame->type() != FrameType::goodbye) {
        return ::testing::AssertionFailure() << "expected GOODBYE, got " << describe(*frame);
    }
    wire::Goodbye body;
    if (!frame->parse_body(body)) {
        return ::testing::AssertionFailure() << "GOODBYE frame body is not a Goodbye";
    }
    if (body.code() != static_cast<std::uint32_t>(code)) {
        return ::testing::AssertionFailure()
               << "expected GOODBYE " << static_cast<std::uint32_t>(code) << " (" << to_string(code)
               << "), got " << body.code() << ": " << body.msg();
    }
    return ::testing::AssertionSuccess();
}

bool RawClient::read_until_closed(std::chrono::milliseconds timeout, std::vector<Frame>* frames) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = left_until(deadline);
        if (left.count() <= 0) {
            return closed_;
        }
        auto frame = read_frame(left);
        if (!frame) {
            return closed_;
        }
        if (frames != nullptr) {
            frames->push_back(std::move(*frame));
        }
    }
}

}  // namespace parley::test
