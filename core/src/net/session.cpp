#include "net/session.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <parley.pb.h>
#include <spdlog/spdlog.h>

#include "dispatch/dispatcher.hpp"
#include "net/node_metrics.hpp"
#include "net/refusal_log.hpp"
#include "net/request_runner.hpp"
#include "net/session_loop.hpp"

namespace parley::net {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Full buffers read in a row before the session lets other work on its loop run.
constexpr int kReadsPerTurn = 4;

bool would_block(const error_code& ec) noexcept {
    return ec == asio::error::would_block || ec == asio::error::try_again;
}

}  // namespace

ClientSession::ClientSession(asio::io_context& loop, std::unique_ptr<ByteStream> stream,
                             const SessionEnvironment& env, std::uint64_t epoch,
                             std::uint64_t address_key)
    : stream_(std::move(stream)),
      env_(env),
      loop_(SessionLoop::of(loop)),
      epoch_(epoch),
      address_key_(address_key),
      decoder_(env.limits.prelogin_max_frame_size),
      writes_(env.limits.write_queue_limit) {}

ClientSession::~ClientSession() = default;

asio::any_io_executor ClientSession::executor() const {
    return loop_.executor();
}

void ClientSession::start() {
    loop_.clock().schedule(*this, handshake_deadline, env_.limits.handshake_timeout);
    read_available();
}

// ---- reading ---------------------------------------------------------------------------------

void ClientSession::stream_readable(const error_code& ec) {
    read_waiting_ = false;
    if (ec) {
        finish_close();  // our own close, or the stream failed
    } else if (state_ == State::lingering) {
        discard_input();
    } else {
        read_available();
    }
}

void ClientSession::wait_readable() {
    read_waiting_ = true;
    stream_->wait_readable(as_waiter());
}

void ClientSession::read_available() {
    for (int reads = 0; serving(); ++reads) {
        if (reads == kReadsPerTurn) {
            // A client that keeps the stream full must not starve the others on this loop.
            asio::post(loop_.executor(), [self = shared_from_this()] { self->read_available(); });
            return;
        }
        const std::span<std::uint8_t> buffer = loop_.read_buffer();
        error_code ec;
        const std::size_t n = stream_->read_some(buffer, ec);
        if (would_block(ec)) {
            wait_readable();
            return;
        }
        if (ec) {
            finish_close();  // EOF, reset, or our own close: the end of the session, not an error
            return;
        }
        if (!handle_bytes(buffer.first(n))) {
            return;
        }
        if (n < buffer.size()) {
            // Drained. A TCP socket is re-armed when the wait starts, and a stream holding
            // bytes of its own completes the wait at once: a second read would only block.
            wait_readable();
            return;
        }
    }
}

bool ClientSession::handle_bytes(std::span<const std::uint8_t> bytes) {
    input_ = bytes;
    if (request_waiting_) {
        return queue_while_waiting();
    }
    if (!run_requests()) {
        // A request waits: reading goes on, and the rest of these bytes queue behind it (they
        // are in the loop's buffer, which the next read overwrites).
        return queue_while_waiting();
    }
    if (!serving()) {
        return false;
    }
    if (!input_.empty() || read_held_) {
        // The write queue passed its high-water mark: decode nothing more until it drains, so
        // a client that reads gets all its answers (write_queued() resumes). Or the client was
        // told to slow down: read nothing until the hold ends.
        pause_reading();
        return false;
    }
    return true;
}

bool ClientSession::run_requests() {
    RequestRunner::Result result = RequestRunner::Result::released;
    take_blocked_ = false;
    while (result == RequestRunner::Result::released) {
        // A request handed its append over and let the frames after it go: run them.
        result = loop_.runner().run(shared_from_this());
    }
    line_blocked_ =
        std::exchange(take_blocked_, false) && result == RequestRunner::Result::finished;
    request_waiting_ = result != RequestRunner::Result::finished || line_blocked_;
    return !request_waiting_;
}

namespace {

// Frames that need no order with the session's other requests: a HEARTBEAT read while a
// request waits is answered at once, so a client does not take a slow backend for a dead
// connection.
bool answered_out_of_turn(std::uint8_t raw_type) noexcept {
    return raw_type == static_cast<std::uint8_t>(FrameType::heartbeat);
}

}  // namespace

bool ClientSession::queue_while_waiting() {
    while (serving()) {
        if (queue_full() || over_high_water() || read_held_) {
            pause_reading();
            return false;
        }
        Frame frame = decode_next();
        if (frame.empty() && decoder_.failed()) {
            // Corrupt: said once the frames before it are answered (next_request(), resume()).
            reading_paused_ = true;
            return false;
        }
        if (frame.empty()) {
            break;  // the bytes are used up
        }
        if (state_ == State::active && answered_out_of_turn(frame.raw_type())) {
            loop_.runner().run_out_of_turn(shared_from_this(), std::move(frame));
            continue;
        }
        if (!queued_) {
            queued_ = std::make_unique<QueuedRequests>();
        }
        queued_->bytes += frame.bytes().size();
        queued_->frames.push_back(std::move(frame));
    }
    return serving();
}

bool ClientSession::queue_full() const noexcept {
    if (!queued_) {
        return false;
    }
    const std::size_t byte_limit =
        std::max<std::size_t>(kQueuedRequestBytes, env_.limits.max_frame_size);
    return queued_->frames.size() >= kMaxQueuedRequests || queued_->bytes >= byte_limit;
}

void ClientSession::pause_reading() {
    reading_paused_ = true;
    if (input_.empty() || (unread_ && input_.data() >= unread_->data() &&
                           input_.data() < unread_->data() + unread_->size())) {
        return;  // nothing to keep, or it is kept already
    }
    unread_ = std::make_unique<std::vector<std::uint8_t>>(input_.begin(), input_.end());
    input_ = *unread_;
}

Frame ClientSession::next_request(bool& pipelined) {
    for (;;) {
        if (read_held_) {
            return {};  // told to slow down: the rest waits for the hold to end
        }
        Frame frame = take_next();
        if (frame.empty() || refused_login(frame)) {
            if (frame.empty()) {
                return frame;
            }
            continue;
        }
        pipelined = state_ == State::active && env_.dispatcher.pipelines(frame, env_.node);
        const std::uint64_t in_flight = pipelined_in_flight();
        if (in_flight == 0 || (pipelined && in_flight < kMaxPipelinedRequests)) {
            return frame;
        }
        if (state_ == State::active && answered_out_of_turn(frame.raw_type())) {
            loop_.runner().run_out_of_turn(shared_from_this(), std::move(frame));
            continue;
        }
        // It must not start beside the requests in flight: it runs once they have finished
        // (pipeline_advanced()), or once one has, when too many are.
        put_back(std::move(frame));
        take_blocked_ = true;
        return {};
    }
}

void ClientSession::put_back(Frame frame) {
    if (!queued_) {
        queued_ = std::make_unique<QueuedRequests>();
    }
    queued_->bytes += frame.bytes().size();
    queued_->frames.push_front(std::move(frame));
}

void ClientSession::wait_turn(std::uint64_t ticket, TurnWake wake) {
    if (!turn_waiters_) {
        turn_waiters_ = std::make_unique<std::map<std::uint64_t, TurnWake>>();
    }
    turn_waiters_->emplace(ticket, std::move(wake));
}

void ClientSession::finish_pipelined(std::uint64_t ticket) {
    if (ticket != pipeline_finished_) {
        spdlog::critical("pipelined request {} finished out of turn (expected {})", ticket,
                         pipeline_finished_);
    }
    ++pipeline_finished_;
    if (turn_waiters_) {
        if (auto next = turn_waiters_->find(pipeline_finished_); next != turn_waiters_->end()) {
            // Posted: the finishing request is still on the stack.
            auto waiter = turn_waiters_->extract(next);
            asio::post(loop_.executor(), std::move(waiter.mapped()));
        }
    }
    if (line_blocked_) {
        asio::post(loop_.executor(), [self = shared_from_this()] { self->pipeline_advanced(); });
    }
}

void ClientSession::pipeline_advanced() {
    if (line_blocked_) {
        // Nothing holds the session's frames: look at the kept one again.
        line_blocked_ = false;
        request_waiting_ = false;
        resume();
    }
}

bool ClientSession::refused_login(const Frame& frame) {
    if (state_ != State::handshaking || frame.type() != FrameType::handshake) {
        return false;
    }
    const auto wait = env_.events.login_wait(*this);
    if (!wait) {
        return false;
    }
    log_refusal(Refusal::login_throttled, "{}: failed logins from its address over their rate; {}",
                remote_address(), static_cast<unsigned>(ErrorCode::rate_limited));
    send_error(retry_later("too many failed logins from your address", *wait), 0);
    return true;
}

std::chrono::milliseconds ClientSession::handshake_finished() {
    if (state_ != State::handshaking) {
        return {};  // logged in, or closing
    }
    env_.events.on_failed_login(*this);
    const unsigned failures = ++state_count_;
    const unsigned allowed = env_.limits.max_failed_logins;
    log_refusal(Refusal::failed_login, "{}: failed login {} of {} allowed on this connection",
                remote_address(), failures, allowed);
    if (failures >= allowed) {
        begin_close(Error(ErrorCode::too_many_failed_logins,
                          std::to_string(failures) + " failed logins on this connection"),
                    false);
        return {};
    }
    return failures * env_.limits.failed_login_delay;
}

Frame ClientSession::take_next() {
    if (!serving() || over_high_water()) {
        return {};  // back-pressure: the rest stays queued or in input_
    }
    Frame frame;
    if (has_queued()) {
        frame = std::move(queued_->frames.front());
        queued_->frames.pop_front();
        queued_->bytes -= frame.bytes().size();
        if (queued_->frames.empty()) {
            queued_.reset();
        }
    } else {
        frame = decode_next();
        if (frame.empty() && decoder_.failed()) {
            if (pipelined_in_flight() > 0) {
                take_blocked_ = true;  // said once the pipelined requests are answered too
            } else {
                fail_stream();  // every frame before the bad one has been answered
            }
        }
    }
    if (!frame.empty()) {
        current_type_.store(frame.raw_type(), std::memory_order_relaxed);
    }
    return frame;
}

Frame ClientSession::decode_next() {
    while (!input_.empty() && serving() && !decoder_.failed()) {
        input_ = input_.subspan(decoder_.consume(input_));
        if (decoder_.frame_ready()) {
            frame_heard();
            Frame frame = decoder_.take_frame();
            NodeMetrics::get().frame_received(frame.raw_type());
            return frame;
        }
    }
    // Bytes after a bad header are never decoded: the frame boundaries are lost.
    input_ = {};
    if (state_ == State::active && !decoder_.idle() && !decoder_.failed() && !awaiting_frame_end_) {
        // Part of a frame came: the rest must follow within frame_timeout, or a client that
        // trickles bytes would be heard from forever without sending a frame.
        awaiting_frame_end_ = true;
        loop_.clock().schedule(*this, frame_end, env_.limits.frame_timeout);
    }
    return {};
}

void ClientSession::frame_heard() {
    heard_from_ = true;
    if (awaiting_frame_end_) {
        // Back from the frame deadline to the idle checks, counting from this frame.
        awaiting_frame_end_ = false;
        heard_from_ = false;
        silent_checks_ = 0;
        loop_.clock().schedule(*this, idle_check, env_.limits.heartbeat_interval);
    }
}

void ClientSession::fail_stream() {
    // The byte stream is lost: say why, then end the connection.
    if (!serving()) {
        return;
    }
    log_refusal(Refusal::bad_stream, "{} (user {}): {} {}; closing", remote_address(), user(),
                static_cast<unsigned>(decoder_.failure().code()), decoder_.failure().what());
    current_type_.store(0, std::memory_order_relaxed);
    send_error(decoder_.failure(), 0);
    begin_close(decoder_.failure(), false);
}

void ClientSession::requests_finished() {
    request_waiting_ = false;
    line_blocked_ = false;
    resume();
}

void ClientSession::resume() {
    if (!serving() || request_waiting_ || over_high_water() || read_held_) {
        return;
    }
    if (has_queued() && !run_requests()) {
        return;  // one of the queued frames waits in turn
    }
    if (decoder_.failed()) {
        if (pipelined_in_flight() > 0) {
            line_blocked_ = true;  // pipeline_advanced() comes back
            request_waiting_ = true;
            return;
        }
        fail_stream();  // found while a request waited; its answer and the queue's are out
        return;
    }
    if (!reading_paused_ || over_high_water()) {
        return;  // a read is pending already, or the queue filled up again
    }
    reading_paused_ = false;
    if (!input_.empty() && !handle_bytes(input_)) {
        return;
    }
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
            if (awaiting_frame_end_) {
                begin_close(Error(ErrorCode::idle_timeout,
                                  "a frame did not arrive whole within " +
                                      std::to_string(env_.limits.frame_timeout.count()) + "ms"),
                            false);
            } else {
                check_idle();
            }
            break;
        case State::closing:
        case State::lingering:
            finish_close();  // a peer that never reads must not hold the session open
            break;
        case State::closed:
            break;
    }
}

void ClientSession::check_idle() {
    // Looked at once per heartbeat interval: a client that sent no whole frame for
    // idle_heartbeats intervals is closed between K and K+1 intervals after its last frame.
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
    // From when this check was due, not from now: lateness must not add up over the intervals.
    loop_.clock().schedule_next(*this, idle_check, env_.limits.heartbeat_interval);
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

namespace {

/// The wait an ERROR 4000 asks for: its `retry_after_ms`, else a short default.
std::chrono::milliseconds wait_asked_by(const std::string& data) {
    const auto asked = retry_after(data).value_or(std::chrono::milliseconds{100});
    return std::max(asked, std::chrono::milliseconds{1});
}

}  // namespace

void ClientSession::hold_reading(std::chrono::milliseconds wait) {
    if (!loop_.running_here()) {
        asio::post(loop_.executor(),
                   [self = shared_from_this(), wait] { self->hold_reading(wait); });
        return;
    }
    if (read_held_ || !serving()) {
        return;
    }
    read_held_ = true;
    if (!read_hold_) {
        read_hold_ = std::make_unique<boost::asio::steady_timer>(loop_.executor());
    }
    // Shorter than the idle and unfinished-frame checks, which a held connection cannot
    // satisfy while it is not read.
    const auto longest = std::min(
        {kMaxReadHold,
         std::chrono::duration_cast<std::chrono::milliseconds>(env_.limits.heartbeat_interval / 2),
         std::chrono::duration_cast<std::chrono::milliseconds>(env_.limits.frame_timeout / 2)});
    read_hold_->expires_after(std::min(wait, longest));
    read_hold_->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec) {
            return;  // closed meanwhile
        }
        self->read_held_ = false;
        self->resume();
    });
}

void ClientSession::send_error(const Error& error, std::uint64_t ref_id) {
    NodeMetrics& metrics = NodeMetrics::get();
    metrics.error_sent(error.code());
    if (state_ == State::handshaking && current_type_.load(std::memory_order_relaxed) ==
                                            static_cast<std::uint8_t>(FrameType::handshake)) {
        metrics.login_failed(error.code());
    }
    if (error.code() == ErrorCode::rate_limited) {
        hold_reading(wait_asked_by(error.data()));
    }
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
    if (holding()) {
        // Held frames count against the same limit as queued ones: a hold is no way around it.
        replay_->held_bytes += frame.bytes().size();
        if (replay_->held_bytes + writes_.queued_bytes() > env_.limits.write_queue_limit) {
            close_slow_consumer();
            return;
        }
        replay_->held.push_back(std::move(frame));
        return;
    }
    enqueue_for_writing(std::move(frame));
}

template <typename Change>
void ClientSession::change_queue(Change change) {
    const std::uint64_t before = writes_.queued_bytes();
    change();
    const std::uint64_t after = writes_.queued_bytes();
    if (after > before) {
        loop_.output_queued(after - before);
    } else {
        loop_.output_released(before - after);
    }
}

void ClientSession::enqueue_for_writing(Frame frame) {
    if (!serving()) {
        return;
    }
    NodeMetrics::get().frame_sent(frame.raw_type());
    bool queued = false;
    change_queue([&] { queued = writes_.push(std::move(frame)); });
    if (!queued) {
        close_slow_consumer();
        return;
    }
    if (loop_.queued_output() > env_.limits.max_queued_output) {
        loop_.shed_output(env_.limits.max_queued_output);
    }
    request_flush();
}

void ClientSession::shed_output() {
    if (!serving()) {
        return;
    }
    NodeMetrics::get().slow_consumer_closed();
    log_refusal(Refusal::slow_consumer,
                "{} (user {}): {} bytes waiting to be written while the node's output is over "
                "max_queued_output; closing with {}",
                remote_address(), user(), writes_.queued_bytes(),
                static_cast<unsigned>(ErrorCode::slow_consumer));
    begin_close(Error(ErrorCode::slow_consumer,
                      "the server has too much waiting to be written; read faster"),
                true);
}

void ClientSession::close_slow_consumer() {
    NodeMetrics::get().slow_consumer_closed();
    spdlog::warn("user {} ({}): {} bytes waiting to be written, over the limit; closing", user(),
                 remote_address(), writes_.queued_bytes() + (replay_ ? replay_->held_bytes : 0));
    if (replay_) {
        replay_->holding = false;
        replay_->held.clear();
        replay_->held_bytes = 0;
    }
    begin_close(
        Error(ErrorCode::slow_consumer, "too many bytes waiting to be written; read faster"), true);
}

ClientSession::ReplayAid& ClientSession::replay_aid() {
    if (!replay_) {
        replay_ = std::make_unique<ReplayAid>();
    }
    return *replay_;
}

void ClientSession::drop_unused_replay_aid() {
    if (replay_ && !replay_->holding && !replay_->drain_waiter) {
        replay_.reset();
    }
}

void ClientSession::hold_sends() {
    replay_aid().holding = true;
}

void ClientSession::send_through_hold(Frame frame) {
    enqueue_for_writing(std::move(frame));
}

asio::awaitable<bool> ClientSession::drained() {
    while (serving() && over_high_water()) {
        co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
            [this](DrainWake wake) { replay_aid().drain_waiter.emplace(std::move(wake)); },
            asio::use_awaitable);
    }
    co_return serving();
}

void ClientSession::wake_drain_waiter() {
    if (replay_ && replay_->drain_waiter) {
        // Posted: the waiter sends more, which must not happen inside the write path.
        asio::post(loop_.executor(), std::move(*replay_->drain_waiter));
        replay_->drain_waiter.reset();
        drop_unused_replay_aid();
    }
}

std::vector<Frame> ClientSession::release_held() {
    if (!holding()) {
        return {};
    }
    std::vector<Frame> frames = std::move(replay_->held);
    replay_->held.clear();
    replay_->held_bytes = 0;
    replay_->holding = false;
    drop_unused_replay_aid();
    return frames;
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
    if (state_ <= State::closing && !writes_.writing()) {
        write_queued();
    }
}

void ClientSession::write_queued() {
    error_code ec;
    for (;;) {
        if (writes_.writing()) {
            // The batch the stream had no room for: go on where it stopped.
            batch_written_ += write_now(writes_.batch_buffers().after(batch_written_), ec);
            if (ec) {
                break;
            }
            change_queue([this] { writes_.finish_batch(); });
            batch_written_ = 0;
        } else if (writes_.has_pending()) {
            const std::size_t written = write_now(writes_.pending_buffers(), ec);
            if (would_block(ec)) {
                // The peer reads slower than we write: the rest goes out when there is room,
                // while new frames queue behind it.
                writes_.start_batch();
                batch_written_ = written;
            }
            if (ec) {
                break;
            }
            change_queue([this] { writes_.pending_written(); });
        } else {
            break;
        }
    }
    if (would_block(ec)) {
        stream_->wait_writable(as_waiter());
    } else if (ec) {
        finish_close();  // the stream failed
    } else if (state_ == State::closing) {
        linger();  // the goodbye is out
    } else if (!over_high_water()) {
        wake_drain_waiter();
        if (reading_paused_ || has_queued()) {
            resume();
        }
    }
}

std::size_t ClientSession::write_now(const FrameBuffers& buffers, error_code& ec) {
    const std::size_t total = buffers.bytes();
    std::size_t written = 0;
    while (written < total && !ec) {
        written += stream_->write_some(buffers.after(written), ec);
    }
    return written;
}

void ClientSession::stream_writable(const error_code& ec) {
    if (ec) {
        finish_close();
    } else if (state_ == State::active || state_ == State::handshaking ||
               state_ == State::closing) {
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
    end_handshake();
    state_ = State::active;
    NodeMetrics::get().login_succeeded();
    decoder_.set_max_body_size(env_.limits.max_frame_size);
    env_.events.on_login(shared_from_this());
    loop_.clock().schedule(*this, idle_check, env_.limits.heartbeat_interval);
}

void ClientSession::end_handshake() {
    if (state_ == State::handshaking) {
        env_.events.on_handshake_ended(*this);
    }
}

void ClientSession::begin_close(const Error& reason, bool drop_pending) {
    if (!serving()) {
        return;
    }
    spdlog::debug("closing session of user {} ({}): {} {}", user(), remote_address(),
                  static_cast<unsigned>(reason.code()), reason.what());
    end_handshake();
    state_ = State::closing;
    wake_drain_waiter();
    awaiting_frame_end_ = false;
    queued_.reset();  // requests the session will not answer
    env_.events.on_leaving(*this);
    wire::Goodbye goodbye;
    goodbye.set_code(static_cast<std::uint32_t>(reason.code()));
    goodbye.set_msg(reason.what());
    Frame last = Frame::make(FrameType::goodbye, kNoUser, user(), goodbye);
    NodeMetrics::get().frame_sent(last.raw_type());
    change_queue([&] {
        const bool was_writing = writes_.writing();
        if (drop_pending) {
            // Only the frame a write stopped in the middle of stays ahead of the goodbye, so a
            // slow reader gets the goodbye after a few bytes rather than never.
            writes_.drop_pending();
            writes_.drop_unstarted(batch_written_);
        }
        writes_.push_unbounded(std::move(last));
        if (was_writing && !writes_.writing()) {
            // Nothing of the batch was written: the goodbye takes its place, and the wait for
            // room already pending writes it.
            writes_.start_batch();
        }
    });
    request_flush();
    loop_.clock().schedule(*this, close_linger, env_.limits.close_linger);
}

void ClientSession::linger() {
    state_ = State::lingering;
    stream_->shutdown_send();
    // A fresh period: the peer has the goodbye now, and its own close ends the linger sooner.
    loop_.clock().schedule(*this, close_linger, env_.limits.close_linger);
    if (!read_waiting_) {
        discard_input();
    }
}

void ClientSession::discard_input() {
    while (state_ == State::lingering) {
        error_code ec;
        stream_->read_some(loop_.read_buffer(), ec);
        if (would_block(ec)) {
            wait_readable();
            return;
        }
        if (ec || ++state_count_ >= kLingerReads) {
            finish_close();  // the peer closed too (or sends too much to wait for)
            return;
        }
    }
}

void ClientSession::finish_close() {
    if (state_ == State::closed) {
        return;
    }
    if (serving()) {
        end_handshake();
        env_.events.on_leaving(*this);
    }
    state_ = State::closed;
    wake_drain_waiter();
    change_queue([this] {
        writes_.drop_pending();
        writes_.finish_batch();
    });
    loop_.clock().cancel(*this);
    if (read_hold_) {
        read_hold_->cancel();
    }
    stream_->shutdown();
    stream_->close();
    env_.events.on_closed(*this);
}

}  // namespace parley::net
