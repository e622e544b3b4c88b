#include "net/memory_stream.hpp"

#include <algorithm>

#include <boost/asio/error.hpp>

namespace parley::net {
namespace asio = boost::asio;
using boost::system::error_code;

MemoryStream::MemoryStream(asio::io_context::executor_type executor, std::string remote)
    : remote_(std::move(remote)), read_wake_(executor), write_wake_(executor) {}

std::size_t MemoryStream::read_some(std::span<std::uint8_t> into, error_code& ec) {
    ec = {};
    if (closed_) {
        ec = asio::error::bad_descriptor;
        return 0;
    }
    if (peer_reset_) {
        ec = asio::error::connection_reset;
        return 0;
    }
    const std::size_t available = incoming_.size() - incoming_read_;
    if (available == 0) {
        ec = peer_finished_ ? error_code(asio::error::eof) : error_code(asio::error::would_block);
        return 0;
    }
    const std::size_t n = std::min(available, into.size());
    std::copy_n(incoming_.begin() + static_cast<std::ptrdiff_t>(incoming_read_), n, into.begin());
    incoming_read_ += n;
    if (incoming_read_ == incoming_.size()) {
        incoming_.clear();
        incoming_read_ = 0;
    }
    return n;
}

std::size_t MemoryStream::write_some(const FrameBuffers& buffers, error_code& ec) {
    ec = {};
    if (closed_) {
        ec = asio::error::bad_descriptor;
        return 0;
    }
    if (peer_reset_ || shut_down_ || send_shut_down_) {
        ec = asio::error::broken_pipe;
        return 0;
    }
    if (!writable()) {
        ec = asio::error::would_block;
        return 0;
    }
    std::size_t room = unread_limit_ - written_.size();
    std::size_t n = 0;
    for (const asio::const_buffer buffer : buffers) {
        const std::size_t take = std::min(room, buffer.size());
        const auto* bytes = static_cast<const std::uint8_t*>(buffer.data());
        written_.insert(written_.end(), bytes, bytes + take);
        room -= take;
        n += take;
        if (room == 0) {
            break;
        }
    }
    return n;
}

bool MemoryStream::readable() const noexcept {
    return closed_ || peer_reset_ || peer_finished_ || incoming_read_ < incoming_.size();
}

bool MemoryStream::writable() const noexcept {
    return closed_ || peer_reset_ || written_.size() < unread_limit_;
}

void MemoryStream::wait_readable(std::shared_ptr<StreamWaiter> target) {
    read_wake_.expires_at(readable() ? asio::steady_timer::time_point::min()
                                     : asio::steady_timer::time_point::max());
    read_wake_.async_wait([this, target = std::move(target)](const error_code&) {
        target->stream_readable(closed_ ? asio::error::operation_aborted : error_code());
    });
}

void MemoryStream::wait_writable(std::shared_ptr<StreamWaiter> target) {
    write_wake_.expires_at(writable() ? asio::steady_timer::time_point::min()
                                      : asio::steady_timer::time_point::max());
    write_wake_.async_wait([this, target = std::move(target)](const error_code&) {
        target->stream_writable(closed_ ? asio::error::operation_aborted : error_code());
    });
}

void MemoryStream::shutdown() noexcept {
    shut_down_ = true;
}

void MemoryStream::shutdown_send() noexcept {
    send_shut_down_ = true;
}

void MemoryStream::close() noexcept {
    if (closed_) {
        return;
    }
    closed_ = true;
    wake_reader();
    wake_writer();
}

void MemoryStream::deliver(std::span<const std::uint8_t> bytes) {
    incoming_.insert(incoming_.end(), bytes.begin(), bytes.end());
    wake_reader();
}

void MemoryStream::deliver(std::string_view bytes) {
    deliver({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

void MemoryStream::finish_sending() {
    peer_finished_ = true;
    wake_reader();
}

void MemoryStream::reset() {
    peer_reset_ = true;
    wake_reader();
    wake_writer();
}

void MemoryStream::limit_unread(std::size_t bytes) {
    unread_limit_ = bytes;
    if (writable()) {
        wake_writer();
    }
}

std::vector<std::uint8_t> MemoryStream::take_written() {
    std::vector<std::uint8_t> taken;
    taken.swap(written_);
    wake_writer();
    return taken;
}

}  // namespace parley::net
