#include "net/session.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <parley.pb.h>
#include <spdlog/spdlog.h>

#include "net/session_loop.hpp"

namespace parley::net {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Full buffers read in a row before the session lets other work on its loop run.
constexpr int kReadsPerTurn = 4;

std::string describe_peer(const LoopSocket& socket) {
    error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return "?";
    }
    return endpoint.address().to_string() + ':' + std::to_string(endpoint.port());
}

}  // namespace

ClientSession::ClientSession(asio::io_context& loop, LoopSocket socket,
                             const SessionEnvironment& env, std::uint64_t epoch)
    : socket_(std::move(socket)),
      env_(env),
      loop_(SessionLoop::of(loop)),
      epoch_(epoch),
      remote_(describe_peer(socket_)),
      decoder_(env.limits.max_frame_size),
      writes_(env.limits.write_queue_limit) {}

ClientSession::~ClientSession() = default;

asio::any_io_executor ClientSession::executor() const {
    return loop_.executor();
}

void ClientSession::start() {
    error_code ec;
    socket_.non_blocking(true, ec);
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    loop_.clock().schedule(*this, handshake_deadline, env_.limits.handshake_timeout);
    read_available();
}

// ---- reading ---------------------------------------------------------------------------------

void ClientSession::read_available() {
    for (int reads = 0; serving(); ++reads) {
        if (reads == kReadsPerTurn) {
            // A client that keeps the socket full must not starve the others on this loop.
            asio::post(loop_.executor(), [self = shared_from_this()] { self->read_available(); });
            return;
        }
        const std::span<std::uint8_t> buffer = loop_.read_buffer();
        error_code ec;
        const std::size_t n = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            wait_readable();
            return;
        }
        if (ec) {
            finish_close();  // EOF, reset, or our own close: the end of the session, not an error
            return;
        }
        heard_from_ = true;
        if (!handle_bytes(buffer.first(n))) {
            return;
        }
        if (n < buffer.size()) {
            // The socket is drained. Asio re-arms the descriptor when the wait starts, so bytes
            // that arrive from now on wake it: a second read would only say "would block".
            wait_readable();
            return;
        }
    }
}

void ClientSession::wait_readable() {
    socket_.async_wait(
        LoopSocket::wait_read,
        asio::bind_allocator(HandlerAllocator<void, kReadWaitRoom>(read_wait_memory_),
                             [self = shared_from_this()](const error_code& ec) {
                                 if (ec) {
                                     self->finish_close();
                                 } else {
                                     self->read_available();
                                 }
                             }));
}

bool ClientSession::handle_bytes(std::span<const std::uint8_t> bytes) {
    input_ = bytes;
    if (!loop_.runner().run(shared_from_this())) {
        // A request is waiting and reading pauses until requests_finished(). The bytes after
        // it are in the loop's buffer, which the next read overwrites: keep them here.
        if (!input_.empty()) {
            unread_ = std::make_unique<std::vector<std::uint8_t>>(input_.begin(), input_.end());
            input_ = *unread_;
        }
        return false;
    }
    return serving();
}

Frame ClientSession::next_request() {
    while (!input_.empty() && serving()) {
        input_ = input_.subspan(decoder_.consume(input_));
        if (decoder_.failed()) {
            fail_stream();
            break;
        }
        if (decoder_.frame_ready()) {
            Frame frame = decoder_.take_frame();
            current_type_.store(frame.raw_type(), std::memory_order_relaxed);
            return frame;
        }
    }
    input_ = {};
    return {};
}

void ClientSession::fail_stream() {
    // The byte stream is lost: say why, then end the connection.
    current_type_.store(0, std::memory_order_relaxed);
    send_error(decoder_.failure(), 0);
    begin_close(decoder_.failure(), false);
}

void ClientSession::requests_finished() {
    unread_.reset();
    if (serving()) {
        read_available();
    }
}

// ---- deadlines -------------------------------------------------------------------------------

void ClientSession::deadline_passed(ClockEntry& entry) {
    from_clock_entry(entry).on_deadline();
}

void ClientSession::on_deadline() {
    switch (state_) {
        case State::handshaking:
            begin_close(
                Error(ErrorCode::handshake_timeout, "no handshake within the handshake timeout"),
                false);
            break;
        case State::active:
            check_idle();
            break;
        case State::closing:
            finish_close();  // a peer that never reads must not hold the session open
            break;
        case State::closed:
            break;
    }
}

void ClientSession::check_idle() {
    // Looked at once per heartbeat interval: a client silent for idle_heartbeats whole
    // intervals is closed between K and K+1 intervals after its last bytes.
    if (heard_from_) {
        heard_from_ = false;
        silent_checks_ = 0;
    } else if (++silent_checks_ >= env_.limits.idle_heartbeats) {
        begin_close(Error(ErrorCode::idle_timeout, "no frame for " +
                                                       std::to_string(env_.limits.idle_heartbeats) +
                                                       " heartbeat intervals"),
                    false);
        return;
    }
    if (!writes_.writing() && !writes_.has_pending()) {
        writes_.release_memory();  // a quiet connection gives back what a burst made it grow
    }
    loop_.clock().schedule(*this, idle_check, env_.limits.heartbeat_interval);
}

// ---- writing ---------------------------------------------------------------------------------

void ClientSession::send(Frame frame) {
    if (loop_.running_here()) {
        enqueue(std::move(frame));
        return;
    }
    asio::post(loop_.executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
        self->enqueue(std::move(frame));
    });
}

void ClientSession::send_error(const Error& error, std::uint64_t ref_id) {
    wire::ErrorBody body;
    body.set_code(static_cast<std::uint32_t>(error.code()));
    body.set_msg(error.what());
    body.set_data(error.data());
    body.set_ref_id(ref_id);
    body.set_ref_type(current_type_.load(std::memory_order_relaxed));
    send(Frame::make(FrameType::error, kNoUser, user(), body));
}

void ClientSession::enqueue(Frame frame) {
    if (!serving()) {
        return;
    }
    if (!writes_.push(std::move(frame))) {
        spdlog::warn("user {} ({}): {} bytes waiting to be written, over the limit; closing",
                     user(), remote_, writes_.queued_bytes());
        begin_close(
            Error(ErrorCode::slow_consumer, "too many bytes waiting to be written; read faster"),
            true);
        return;
    }
    request_flush();
}

void ClientSession::request_flush() {
    // A write waiting for room in the socket picks up new frames when it finishes.
    if (!flush_requested_ && !writes_.writing()) {
        flush_requested_ = true;
        loop_.flusher().request(shared_from_this());
    }
}

void ClientSession::flush() {
    flush_requested_ = false;
    if (state_ != State::closed && !writes_.writing()) {
        write_queued();
    }
}

void ClientSession::write_queued() {
    while (writes_.has_pending()) {
        const FrameBuffers pending = writes_.pending_buffers();
        const std::size_t total = pending.bytes();
        std::size_t written = 0;
        error_code ec;
        // The socket is non-blocking: write what fits now, with no operation to allocate.
        while (written < total && !ec) {
            written += socket_.write_some(pending.after(written), ec);
        }
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            // The peer reads slower than we write: the rest goes out when there is room, while
            // new frames queue behind it.
            const FrameBuffers batch = writes_.start_batch();
            asio::async_write(socket_, batch.after(written),
                              [self = shared_from_this()](const error_code& e, std::size_t) {
                                  self->on_written(e);
                              });
            return;
        }
        writes_.pending_written();
        if (ec) {
            finish_close();
            return;
        }
    }
    if (state_ == State::closing) {
        finish_close();  // the goodbye is out
    }
}

void ClientSession::on_written(const error_code& ec) {
    writes_.finish_batch();
    if (ec) {
        finish_close();
    } else if (state_ != State::closed) {
        write_queued();
    }
}

// ---- login and closing -----------------------------------------------------------------------

void ClientSession::close(const Error& reason) {
    asio::dispatch(loop_.executor(),
                   [self = shared_from_this(), reason] { self->begin_close(reason, false); });
}

void ClientSession::complete_login(UserId user) {
    user_.store(user, std::memory_order_release);
    if (state_ != State::handshaking) {
        // The connection went away while the Store granted the login: give the claim back at
        // once, or the user would stay "online" with nobody behind it.
        env_.events.on_leaving(*this);
        return;
    }
    state_ = State::active;
    env_.events.on_login(shared_from_this());
    loop_.clock().schedule(*this, idle_check, env_.limits.heartbeat_interval);
}

void ClientSession::begin_close(const Error& reason, bool drop_pending) {
    if (!serving()) {
        return;
    }
    spdlog::debug("closing session of user {} ({}): {} {}", user(), remote_,
                  static_cast<unsigned>(reason.code()), reason.what());
    state_ = State::closing;
    env_.events.on_leaving(*this);
    if (drop_pending) {
        writes_.drop_pending();
    }
    wire::Goodbye goodbye;
    goodbye.set_code(static_cast<std::uint32_t>(reason.code()));
    goodbye.set_msg(reason.what());
    writes_.push_unbounded(Frame::make(FrameType::goodbye, kNoUser, user(), goodbye));
    request_flush();
    loop_.clock().schedule(*this, close_linger, env_.limits.close_linger);
}

void ClientSession::finish_close() {
    if (state_ == State::closed) {
        return;
    }
    if (state_ != State::closing) {
        env_.events.on_leaving(*this);
    }
    state_ = State::closed;
    loop_.clock().cancel(*this);
    error_code ec;
    socket_.shutdown(LoopSocket::shutdown_both, ec);
    socket_.close(ec);
    env_.events.on_closed(*this);
}

}  // namespace parley::net
