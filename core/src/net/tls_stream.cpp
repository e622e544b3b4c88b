#include "net/tls_stream.hpp"

#include <array>
#include <cstring>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/detail/reactive_wait_op.hpp>
#include <boost/asio/post.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <parley.pb.h>
#include <spdlog/spdlog.h>

#include <parley/endpoint.hpp>
#include <parley/error.hpp>
#include <parley/frame.hpp>

namespace parley::net {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Small frames are gathered into one record (and one send) rather than a record each.
constexpr std::size_t kRecordGather = 16 * 1024;
thread_local std::array<std::uint8_t, kRecordGather> gather_buffer;

// Copies the first bytes of `buffers` (up to the gather buffer's size) into it.
std::span<const std::uint8_t> gather(const FrameBuffers& buffers) {
    std::size_t n = 0;
    for (const asio::const_buffer buffer : buffers) {
        const std::size_t take = std::min(buffer.size(), gather_buffer.size() - n);
        std::memcpy(gather_buffer.data() + n, buffer.data(), take);
        n += take;
        if (n == gather_buffer.size()) {
            break;
        }
    }
    return {gather_buffer.data(), n};
}

}  // namespace

TlsStream::TlsStream(LoopSocket socket, std::shared_ptr<const TlsContext> context)
    : socket_(std::move(socket)), context_(std::move(context)), ssl_(SSL_new(context_->native())) {
    error_code ec;
    socket_.non_blocking(true, ec);
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    if (ssl_ == nullptr) {
        failed_ = true;  // out of memory: every call fails, the session ends at once
        return;
    }
    // OpenSSL reads and writes the descriptor itself; the socket object still owns it.
    SSL_set_fd(ssl_, static_cast<int>(socket_.native_handle()));
    SSL_set_accept_state(ssl_);
}

TlsStream::~TlsStream() {
    SSL_free(ssl_);
}

bool TlsStream::wants(int result, Want& want, error_code& ec) {
    switch (SSL_get_error(ssl_, result)) {
        case SSL_ERROR_WANT_READ:
            want = Want::read;
            ec = asio::error::would_block;
            return true;
        case SSL_ERROR_WANT_WRITE:
            want = Want::write;
            ec = asio::error::would_block;
            return true;
        case SSL_ERROR_ZERO_RETURN:
            ec = asio::error::eof;  // the peer's close_notify
            return false;
        default:
            failed_ = true;
            ec = asio::error::connection_reset;
            return false;
    }
}

bool TlsStream::refuse_plaintext_client(error_code& ec) {
    std::uint8_t first = 0;
    const std::size_t n = socket_.receive(asio::buffer(&first, 1), LoopSocket::message_peek, ec);
    if (!ec && n == 0) {
        ec = asio::error::eof;  // gone before saying anything
    }
    if (ec) {
        return ec != asio::error::would_block && ec != asio::error::try_again;
    }
    first_byte_checked_ = true;
    if (first != kFrameMagic) {
        return false;
    }
    // A Parley client without TLS: a GOODBYE it can read says what to do (best effort).
    wire::Goodbye goodbye;
    goodbye.set_code(static_cast<std::uint32_t>(ErrorCode::bad_frame));
    goodbye.set_msg("this port speaks TLS: connect with tls://");
    const Frame frame = Frame::make(FrameType::goodbye, kNoUser, kNoUser, goodbye);
    error_code ignored;
    socket_.write_some(asio::buffer(frame.bytes().data(), frame.bytes().size()), ignored);
    log_handshake_failure("the client speaks plain Parley; it must connect with tls://");
    failed_ = true;
    ec = asio::error::connection_refused;
    return true;
}

bool TlsStream::handshake(error_code& ec) {
    if (failed_) {
        ec = asio::error::connection_reset;
        return false;
    }
    if (!first_byte_checked_ && refuse_plaintext_client(ec)) {
        return false;
    }
    if (!first_byte_checked_) {
        return false;  // nothing arrived yet: would_block
    }
    ERR_clear_error();
    const int result = SSL_do_handshake(ssl_);
    if (result == 1) {
        established_ = true;
        return true;
    }
    if (!wants(result, read_wants_, ec)) {
        std::string reason = last_tls_error("the connection closed during the handshake");
        if (const long verify = SSL_get_verify_result(ssl_); verify != X509_V_OK) {
            reason += std::string{" ("} + X509_verify_cert_error_string(verify) + ")";
        }
        log_handshake_failure(reason);
        failed_ = true;
    }
    return false;
}

void TlsStream::log_handshake_failure(const std::string& reason) const {
    std::uint64_t left_out = 0;
    if (!context_->failure_log().allow(left_out)) {
        return;
    }
    spdlog::warn(
        "{}: TLS handshake with {} failed: {}{}", context_->listener(), remote_address(), reason,
        left_out == 0 ? "" : " (" + std::to_string(left_out) + " more since the last line)");
}

std::size_t TlsStream::read_some(std::span<std::uint8_t> into, error_code& ec) {
    ec = {};
    if (!established_ && !handshake(ec)) {
        return 0;
    }
    std::size_t n = 0;
    while (n < into.size()) {
        std::size_t got = 0;
        ERR_clear_error();
        const int result = SSL_read_ex(ssl_, into.data() + n, into.size() - n, &got);
        if (result != 1) {
            error_code why;
            if (!wants(result, read_wants_, why)) {
                spdlog::debug("{}: TLS read from {} ended: {}", context_->listener(),
                              remote_address(), last_tls_error(why.message()));
            }
            if (n == 0) {
                ec = why;
            }
            break;
        }
        n += got;
    }
    read_stopped_full_ = n == into.size();
    return n;
}

std::size_t TlsStream::write_some(const FrameBuffers& buffers, error_code& ec) {
    ec = {};
    if (!established_ || failed_) {
        ec = asio::error::not_connected;
        return 0;
    }
    // After a "want write", OpenSSL resumes the record it began: the session offers the same
    // bytes again (at least as many), as SSL_write requires.
    std::size_t total = 0;
    const std::size_t wanted = buffers.bytes();
    while (total < wanted) {
        const auto chunk = gather(buffers.after(total));
        std::size_t written = 0;
        ERR_clear_error();
        const int result = SSL_write_ex(ssl_, chunk.data(), chunk.size(), &written);
        if (result != 1) {
            error_code why;
            wants(result, write_wants_, why);
            if (total == 0) {
                ec = why;
            }
            break;
        }
        total += written;
    }
    return total;
}

template <bool Readable>
void TlsStream::wait(std::shared_ptr<StreamWaiter> target, Want on) {
    using Allocator = HandlerAllocator<void, kWaitRoom>;
    using Handler = asio::allocator_binder<Ready<Readable>, Allocator>;
    static_assert(sizeof(asio::detail::reactive_wait_op<Handler, LoopSocket::executor_type>) <=
                  kWaitRoom);
    socket_.async_wait(on == Want::read ? LoopSocket::wait_read : LoopSocket::wait_write,
                       Handler(Allocator(wait_memory_), Ready<Readable>{std::move(target)}));
}

void TlsStream::wait_readable(std::shared_ptr<StreamWaiter> target) {
    if (established_ &&
        (SSL_pending(ssl_) > 0 || (read_stopped_full_ && SSL_has_pending(ssl_) == 1))) {
        // Bytes wait inside OpenSSL, decrypted or read ahead while the caller's buffer was
        // full: the socket may never become readable for them. Read-ahead bytes left after a
        // read that ran out of records are part of a record, whose rest the socket will bring
        // (checking SSL_has_pending alone would spin on them).
        asio::post(socket_.get_executor(),
                   [target = std::move(target)] { target->stream_readable({}); });
        return;
    }
    wait<true>(std::move(target), read_wants_);
}

void TlsStream::wait_writable(std::shared_ptr<StreamWaiter> target) {
    wait<false>(std::move(target), write_wants_);
}

void TlsStream::send_close_notify() noexcept {
    if (established_ && !failed_ && !close_notify_sent_) {
        ERR_clear_error();
        SSL_shutdown(ssl_);  // close_notify, best effort: the socket is non-blocking
        close_notify_sent_ = true;
    }
}

void TlsStream::shutdown() noexcept {
    send_close_notify();
    failed_ = true;  // nothing more either way
    error_code ec;
    socket_.shutdown(LoopSocket::shutdown_both, ec);
}

void TlsStream::shutdown_send() noexcept {
    // Reads go on (a lingering close drains what the peer still sends).
    send_close_notify();
    error_code ec;
    socket_.shutdown(LoopSocket::shutdown_send, ec);
}

void TlsStream::close() noexcept {
    error_code ec;
    socket_.close(ec);
}

std::string TlsStream::remote_address() const {
    error_code ec;
    const auto endpoint = socket_.remote_endpoint(ec);
    return ec ? "?" : Endpoint::from(endpoint).to_string();
}

std::optional<PeerIdentity> TlsStream::peer_identity() const {
    if (!established_) {
        return std::nullopt;
    }
    return context_->identity_of(ssl_);
}

}  // namespace parley::net
