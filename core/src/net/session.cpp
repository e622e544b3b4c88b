#include "net/session.hpp"

#include <array>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <parley.pb.h>
#include <spdlog/spdlog.h>

#include "dispatch/dispatcher.hpp"

namespace parley::net {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Reads land here and are decoded at once into frames before anything can suspend, so one
// buffer per loop thread serves every connection on it: an idle connection holds no buffer.
constexpr std::size_t kReadBufferSize = 64 * 1024;
thread_local std::array<std::uint8_t, kReadBufferSize> t_read_buffer;

std::string describe_peer(const asio::ip::tcp::socket& socket) {
    error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return "?";
    }
    return endpoint.address().to_string() + ':' + std::to_string(endpoint.port());
}

}  // namespace

ClientSession::ClientSession(asio::io_context& loop, asio::ip::tcp::socket socket,
                             const SessionEnvironment& env, std::uint64_t epoch)
    : socket_(std::move(socket)),
      executor_(loop.get_executor()),
      timer_(loop),
      env_(env),
      epoch_(epoch),
      remote_(describe_peer(socket_)),
      decoder_(env.limits.max_frame_size),
      writes_(env.limits.write_queue_limit),
      last_activity_(std::chrono::steady_clock::now()) {}

ClientSession::~ClientSession() = default;

void ClientSession::start() {
    error_code ec;
    socket_.non_blocking(true, ec);
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    arm_handshake_deadline();
    asio::co_spawn(
        executor_, read_loop(), [self = shared_from_this()](const std::exception_ptr& e) {
            if (e) {
                // The dispatcher answers every failure of a request; reaching here is a bug, and
                // the session must still leave cleanly.
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& failure) {
                    spdlog::critical("session of user {} ({}) failed: {}", self->user(),
                                     self->remote_, failure.what());
                } catch (...) {
                    spdlog::critical("session of user {} ({}) failed", self->user(), self->remote_);
                }
                self->finish_close();
            }
        });
}

asio::awaitable<void> ClientSession::read_loop() {
    const auto self = shared_from_this();
    std::vector<Frame> frames;
    error_code ec;
    while (state_ == State::handshaking || state_ == State::active) {
        const std::size_t n = socket_.read_some(asio::buffer(t_read_buffer), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            co_await socket_.async_wait(asio::ip::tcp::socket::wait_read,
                                        asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                break;
            }
            continue;
        }
        if (ec) {
            break;  // EOF, reset, or our own close: the end of the session, not an error
        }
        last_activity_ = std::chrono::steady_clock::now();
        const bool intact = decode({t_read_buffer.data(), n}, frames);

        for (auto& frame : frames) {
            if (state_ != State::handshaking && state_ != State::active) {
                break;
            }
            current_type_.store(frame.raw_type(), std::memory_order_relaxed);
            RequestContext ctx{self, env_.node};
            co_await env_.dispatcher.dispatch(ctx, std::move(frame));
        }
        frames.clear();
        if (frames.capacity() > 64) {
            frames.shrink_to_fit();
        }

        if (!intact) {
            // The byte stream is lost: say why, then end the connection.
            current_type_.store(0, std::memory_order_relaxed);
            send_error(decoder_.failure(), 0);
            begin_close(decoder_.failure(), false);
            break;
        }
    }
    if (state_ != State::closing) {
        finish_close();
    }
}

bool ClientSession::decode(std::span<const std::uint8_t> bytes, std::vector<Frame>& frames) {
    while (!bytes.empty()) {
        bytes = bytes.subspan(decoder_.consume(bytes));
        if (decoder_.failed()) {
            return false;
        }
        if (decoder_.frame_ready()) {
            frames.push_back(decoder_.take_frame());
        }
    }
    return true;
}

void ClientSession::send(Frame frame) {
    if (executor_.running_in_this_thread()) {
        enqueue(std::move(frame));
        return;
    }
    asio::post(executor_, [self = shared_from_this(), frame = std::move(frame)]() mutable {
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

void ClientSession::close(const Error& reason) {
    asio::dispatch(executor_,
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
    arm_idle_check();
}

void ClientSession::enqueue(Frame frame) {
    if (state_ == State::closing || state_ == State::closed) {
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
    if (!writes_.writing()) {
        start_write();
    }
}

void ClientSession::start_write() {
    asio::async_write(
        socket_, writes_.start_batch(),
        [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_written(ec); });
}

void ClientSession::on_written(const error_code& ec) {
    writes_.finish_batch();
    if (ec) {
        finish_close();
        return;
    }
    if (writes_.has_pending()) {
        start_write();
    } else if (state_ == State::closing) {
        finish_close();
    }
}

void ClientSession::begin_close(const Error& reason, bool drop_pending) {
    if (state_ == State::closing || state_ == State::closed) {
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
    if (!writes_.writing()) {
        start_write();
    }
    // A peer that never reads must not hold the session open.
    timer_.expires_after(env_.limits.close_linger);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
        if (!ec) {
            self->finish_close();
        }
    });
}

void ClientSession::finish_close() {
    if (state_ == State::closed) {
        return;
    }
    if (state_ != State::closing) {
        env_.events.on_leaving(*this);
    }
    state_ = State::closed;
    timer_.cancel();
    error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    env_.events.on_closed(*this);
}

void ClientSession::arm_handshake_deadline() {
    timer_.expires_after(env_.limits.handshake_timeout);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
        if (!ec && self->state_ == State::handshaking) {
            self->begin_close(
                Error(ErrorCode::handshake_timeout, "no handshake within the handshake timeout"),
                false);
        }
    });
}

void ClientSession::arm_idle_check() {
    timer_.expires_after(env_.limits.heartbeat_interval);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
        if (ec || self->state_ != State::active) {
            return;
        }
        const auto silent = std::chrono::steady_clock::now() - self->last_activity_;
        if (silent >= self->env_.limits.heartbeat_interval * self->env_.limits.idle_heartbeats) {
            self->begin_close(
                Error(ErrorCode::idle_timeout,
                      "no frame for " + std::to_string(self->env_.limits.idle_heartbeats) +
                          " heartbeat intervals"),
                false);
            return;
        }
        self->arm_idle_check();
    });
}

}  // namespace parley::net
