#include "net/ws_stream.hpp"

#include <algorithm>
#include <cstring>

#include <boost/asio/error.hpp>
#include <spdlog/spdlog.h>

#include "net/http_upgrade.hpp"
#include "net/ws_frames.hpp"

namespace parley::net {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Frames gathered into one write, unless a single frame is larger.
constexpr std::size_t kWriteGather = 64 * 1024;

bool would_block(const error_code& ec) noexcept {
    return ec == asio::error::would_block || ec == asio::error::try_again;
}

/// A Frame used only to carry `size` arbitrary bytes through the stream below (which writes
/// Frames): at least a frame header long, so the bytes start at `skip`.
Frame carrier(std::size_t size, std::uint32_t& skip) {
    const std::size_t total = std::max(size, kFrameHeaderSize);
    skip = static_cast<std::uint32_t>(total - size);
    return Frame::allocate(static_cast<std::uint32_t>(total - kFrameHeaderSize));
}

/// Wakes a read waiter once the stream below can take the bytes a read must first write.
class ReadableWhenWritable final : public StreamWaiter {
  public:
    explicit ReadableWhenWritable(std::shared_ptr<StreamWaiter> target)
        : target_(std::move(target)) {}
    void stream_readable(const error_code& ec) override { target_->stream_readable(ec); }
    void stream_writable(const error_code& ec) override { target_->stream_readable(ec); }

  private:
    std::shared_ptr<StreamWaiter> target_;
};

}  // namespace

/// Waits for the stream below to take the bytes this stream still holds, then tells the
/// writer: the session counted them as written, so nothing else would send them.
class WsStream::FlushFirst final : public StreamWaiter,
                                   public std::enable_shared_from_this<FlushFirst> {
  public:
    FlushFirst(WsStream& stream, std::shared_ptr<StreamWaiter> target)
        : stream_(stream), target_(std::move(target)) {}
    void stream_readable(const error_code& ec) override { stream_writable(ec); }
    void stream_writable(const error_code& ec) override {
        error_code flushed = ec;
        if (!flushed && !stream_.flush(flushed) && would_block(flushed)) {
            stream_.lower_->wait_writable(shared_from_this());
            return;
        }
        target_->stream_writable(flushed);
    }

  private:
    WsStream& stream_;  // owned by the session target_ keeps alive
    std::shared_ptr<StreamWaiter> target_;
};

WsStream::WsStream(std::unique_ptr<ByteStream> lower, std::shared_ptr<const WsContext> context)
    : lower_(std::move(lower)),
      context_(std::move(context)),
      upgrade_(std::make_unique<HttpUpgrade>()),
      reader_(context_->max_message) {}

WsStream::~WsStream() = default;

void WsStream::queue(std::string_view bytes) {
    const std::span<const std::uint8_t> old =
        pending() ? pending_.bytes().subspan(pending_at_) : std::span<const std::uint8_t>{};
    std::uint32_t skip = 0;
    Frame out = carrier(old.size() + bytes.size(), skip);
    std::uint8_t* at = out.mutable_bytes().data() + skip;
    std::memcpy(at, old.data(), old.size());
    std::memcpy(at + old.size(), bytes.data(), bytes.size());
    pending_ = std::move(out);
    pending_at_ = skip;
}

bool WsStream::flush(error_code& ec) {
    ec = {};
    while (pending()) {
        const std::size_t n =
            lower_->write_some(FrameBuffers(&pending_, &pending_ + 1, pending_at_), ec);
        pending_at_ += static_cast<std::uint32_t>(n);
        if (pending_at_ == pending_.bytes().size()) {
            pending_ = Frame();
            pending_at_ = 0;
        }
        if (ec) {
            return !pending();
        }
    }
    return true;
}

std::size_t WsStream::read_some(std::span<std::uint8_t> into, error_code& ec) {
    ec = {};
    switch (state_) {
        case State::upgrading:
            return read_request(into, ec);
        case State::answering:
            if (flush(ec)) {
                ec = asio::error::eof;  // answered: this connection was not a WebSocket
            }
            return 0;
        case State::open:
            return read_messages(into, ec);
        case State::closing:
        case State::done:
            if (state_ == State::done || flush(ec)) {
                ec = asio::error::eof;
            }
            return 0;
    }
    return 0;
}

std::size_t WsStream::read_request(std::span<std::uint8_t> into, error_code& ec) {
    for (;;) {
        const std::size_t n = lower_->read_some(into, ec);
        if (ec) {
            return 0;
        }
        if (upgrade_->feed(into.first(n))) {
            break;
        }
    }
    HttpUpgrade::Answer answer = upgrade_->answer(*context_);
    if (answer.upgraded) {
        const auto early = upgrade_->leftover();
        if (!early.empty()) {
            early_ = std::make_unique<std::vector<std::uint8_t>>(early.begin(), early.end());
        }
        state_ = State::open;
    } else {
        state_ = State::answering;
        if (answer.status == 403) {
            std::uint64_t left_out = 0;
            if (context_->refusal_log.allow(left_out)) {
                spdlog::warn("{}: refused the WebSocket upgrade of {}: {}{}", context_->listener,
                             remote_address(), answer.refusal,
                             left_out == 0
                                 ? ""
                                 : " (" + std::to_string(left_out) + " more since the last line)");
            }
        } else if (!answer.refusal.empty()) {
            spdlog::debug("{}: HTTP {} to {}: {}", context_->listener, answer.status,
                          remote_address(), answer.refusal);
        }
    }
    upgrade_.reset();
    queue(answer.response);
    error_code flushed;
    flush(flushed);
    if (flushed && !would_block(flushed)) {
        ec = flushed;
        return 0;
    }
    return read_some(into, ec);
}

std::size_t WsStream::read_messages(std::span<std::uint8_t> into, error_code& ec) {
    if (pending()) {
        error_code ignored;
        flush(ignored);  // a pong or the 101 still on its way: best effort, reads go on
    }
    for (;;) {
        std::size_t n = 0;
        if (early_) {
            n = std::min(into.size(), early_->size());
            std::copy_n(early_->begin(), n, into.begin());
            early_->erase(early_->begin(), early_->begin() + static_cast<std::ptrdiff_t>(n));
            if (early_->empty()) {
                early_.reset();
            }
        } else {
            n = lower_->read_some(into, ec);
            if (ec) {
                return 0;
            }
        }
        std::string replies;
        const std::size_t data = reader_.decode(into.first(n), replies);
        if (!replies.empty()) {
            queue(replies);
            error_code ignored;
            flush(ignored);
        }
        if (reader_.status() != ws::FrameReader::Status::open) {
            spdlog::debug("{}: WebSocket of {} closing: {}", context_->listener, remote_address(),
                          reader_.failure());
            state_ = State::closing;
            if (data == 0) {
                ec = asio::error::eof;
            }
            return data;
        }
        if (data > 0) {
            return data;
        }
    }
}

std::size_t WsStream::write_some(const FrameBuffers& buffers, error_code& ec) {
    ec = {};
    if (state_ != State::open) {
        ec = state_ == State::upgrading ? asio::error::not_connected : asio::error::broken_pipe;
        return 0;
    }
    if (!flush(ec)) {
        return 0;
    }
    // Each Parley frame becomes one binary message; the session hands whole frames.
    std::size_t consumed = 0;
    std::size_t encoded = 0;
    std::size_t count = 0;
    for (const asio::const_buffer buffer : buffers) {
        if (count > 0 && encoded + buffer.size() > kWriteGather) {
            break;
        }
        encoded += ws::kMaxServerHeader + buffer.size();
        consumed += buffer.size();
        ++count;
    }
    if (count == 0) {
        return 0;
    }
    std::uint32_t skip = 0;
    Frame out = carrier(encoded, skip);
    std::uint8_t* at = out.mutable_bytes().data() + skip;
    std::uint8_t* const begin = at;
    std::size_t n = 0;
    for (const asio::const_buffer buffer : buffers) {
        if (n++ == count) {
            break;
        }
        const auto* bytes = static_cast<const std::uint8_t*>(buffer.data());
        at += ws::write_header(at, ws::binary, buffer.size());
        std::memcpy(at, bytes, buffer.size());
        at += buffer.size();
        if (buffer.size() >= kFrameHeaderSize &&
            bytes[5] == static_cast<std::uint8_t>(FrameType::goodbye)) {
            goodbye_code_ =
                ws::goodbye_code({bytes + kFrameHeaderSize, buffer.size() - kFrameHeaderSize});
        }
    }
    // Headers shorter than the most a header may take leave room at the end: the bytes written
    // are what was filled in, moved to end where the carrier ends.
    const std::size_t used = static_cast<std::size_t>(at - begin);
    const std::size_t shift = encoded - used;
    std::memmove(begin + shift, begin, used);
    pending_ = std::move(out);
    pending_at_ = static_cast<std::uint32_t>(skip + shift);
    if (!flush(ec) && !would_block(ec)) {
        return 0;
    }
    // Taken, but maybe not all written yet: would_block makes the session wait, and the wait
    // writes the rest first (FlushFirst).
    return consumed;
}

void WsStream::wait_readable(std::shared_ptr<StreamWaiter> target) {
    if (state_ == State::open && early_) {
        lower_->wait_writable(std::make_shared<ReadableWhenWritable>(std::move(target)));
        return;
    }
    if (pending() && state_ != State::open) {
        // A response or a close frame must go out before reading says anything more.
        lower_->wait_writable(std::make_shared<ReadableWhenWritable>(std::move(target)));
        return;
    }
    lower_->wait_readable(std::move(target));
}

void WsStream::wait_writable(std::shared_ptr<StreamWaiter> target) {
    if (pending()) {
        lower_->wait_writable(std::make_shared<FlushFirst>(*this, std::move(target)));
        return;
    }
    lower_->wait_writable(std::move(target));
}

void WsStream::send_close_frame() noexcept {
    if (state_ == State::open) {
        // The GOODBYE, if one went out, says why; the close code says it to WebSocket clients.
        const std::uint16_t code = ws::close_code_for_goodbye(goodbye_code_);  // 1000 without
        const std::string reason =
            goodbye_code_ == 0 ? std::string{} : "GOODBYE " + std::to_string(goodbye_code_);
        try {
            queue(ws::close_frame(code, reason));
        } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory; close without it
        }
    }
    if (state_ != State::done) {
        error_code ignored;
        flush(ignored);  // best effort: the connection ends either way
        state_ = State::done;
    }
}

void WsStream::shutdown() noexcept {
    send_close_frame();
    lower_->shutdown();
}

void WsStream::shutdown_send() noexcept {
    send_close_frame();
    lower_->shutdown_send();
}

void WsStream::close() noexcept {
    lower_->close();
}

}  // namespace parley::net
