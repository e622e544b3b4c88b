#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <parley/frame_decoder.hpp>
#include <parley/session.hpp>

#include "net/byte_stream.hpp"
#include "net/session_clock.hpp"
#include "net/session_environment.hpp"
#include "net/write_queue.hpp"

namespace parley::net {

class SessionLoop;

/// One client connection. It holds no coroutine and no timer of its own, so an idle one costs
/// only this object, its ByteStream (with the stream's pending wait) and the kernel's socket:
/// - reading: a callback waits until the stream is readable, then reads into the loop's buffer
///   and decodes frames at once; each frame runs on one of the loop's request coroutines
///   (RequestRunner), one at a time, in order. While a request waits on a backend, reading goes
///   on: a HEARTBEAT is answered at once, a close is noticed, and up to kMaxQueuedRequests
///   further frames queue to run after it; a fuller queue, or a write queue over its
///   high-water mark (back-pressure), pauses reading. After an ERROR 4000 (slow down), reading
///   and running the connection's frames wait for the retry time the ERROR gave (at most
///   kMaxReadHold), so a flood is held back by TCP instead of answered frame by frame.
/// - pipelining: a request whose handler lets it (Handler::pipelines: chat messages on a node
///   whose message log keeps the order of appends, private messages on a node without a log
///   whose transport publishes in order) stops holding up the frames after it once it has
///   handed its append to the log, or its publish to the transport; up to kMaxPipelinedRequests
///   such requests wait at once. Each takes a ticket in arrival order and answers only when every
///   earlier ticket has finished, so answers keep the order of the requests. A frame that may not
///   pipeline waits until none is in flight, as does the end of a corrupt stream.
/// - writing: frames queue in a WriteQueue; the loop's WriteFlusher writes each connection's
///   queue once per turn, as one gather write. A stream with no room is waited on, and the
///   write goes on where it stopped.
/// - deadlines (handshake, idle check, unfinished frame, closing linger) sit in the loop's
///   SessionClock.
///
/// Owns itself through shared_from_this(); every pending operation keeps it alive. All state is
/// touched only on its loop; the public Session calls post there when called from elsewhere.
class ClientSession final : public Session,
                            public std::enable_shared_from_this<ClientSession>,
                            private StreamWaiter,
                            private ClockEntry {
  public:
    /// `stream` must already belong to `loop`.
    /// `address_key`: what the node counts the connection's address under (ConnectionGate).
    ClientSession(boost::asio::io_context& loop, std::unique_ptr<ByteStream> stream,
                  const SessionEnvironment& env, std::uint64_t epoch,
                  std::uint64_t address_key = 0);
    ~ClientSession() override;

    /// Starts reading and the handshake deadline. Call on the session's loop.
    void start();

    UserId user() const noexcept override { return user_.load(std::memory_order_acquire); }
    std::uint64_t epoch() const noexcept override { return epoch_; }
    std::uint64_t address_key() const noexcept { return address_key_; }
    std::string remote_address() const override { return stream_->remote_address(); }
    std::optional<PeerIdentity> peer_identity() const override { return stream_->peer_identity(); }
    asio::any_io_executor executor() const override;

    void send(Frame frame) override;
    void send_error(const Error& error, std::uint64_t ref_id) override;
    void close(const Error& reason) override;
    void complete_login(UserId user) override;
    void hold_sends() override;
    void send_through_hold(Frame frame) override;
    std::vector<Frame> release_held() override;
    asio::awaitable<bool> drained() override;

    // For the loop's shared parts (SessionLoop), on the session's loop:
    const SessionEnvironment& environment() const noexcept { return env_; }
    SessionLoop& loop() const noexcept { return loop_; }
    /// The next frame decoded from the bytes being handled, or an empty frame when there is
    /// none (the bytes are used up, the stream turned out corrupt, the session is closing, or
    /// the write queue is over its high-water mark: the rest waits until it drains).
    /// `pipelined` says whether the frame's handler lets it run beside other requests. A frame
    /// that must wait for the pipelined requests in flight (it may not pipeline, or
    /// kMaxPipelinedRequests are in flight) is kept, an empty frame returned, and the session
    /// runs it once they finished.
    Frame next_request(bool& pipelined);
    /// The RequestRunner ran a HANDSHAKE's handler. When the session is still not logged in
    /// the login failed: counted, and the last allowed failure closes the session (5005).
    /// Returns how long the session's next frame must wait: longer after each failure.
    std::chrono::milliseconds handshake_finished();
    /// A request had to wait; it and the frames after it have now run (or were held back), or
    /// it let the frames after it start (RequestOrder::let_next_start): run what queued
    /// meanwhile, and read on if reading paused.
    void requests_finished();

    // Pipelined requests, for the RequestRunner. Tickets are handed out in arrival order and
    // finish in that order.
    using TurnWake =
        boost::asio::async_result<boost::asio::use_awaitable_t<>, void()>::handler_type;
    std::uint64_t begin_pipelined() noexcept { return pipeline_started_++; }
    bool in_turn(std::uint64_t ticket) const noexcept { return ticket == pipeline_finished_; }
    /// Posts `wake` once every ticket before `ticket` has finished.
    void wait_turn(std::uint64_t ticket, TurnWake wake);
    /// `ticket`, in its turn, is done: the next one's turn comes.
    void finish_pipelined(std::uint64_t ticket);
    /// Destroys the waits for turns, whose coroutines then unwind: only for a loop that stops.
    void drop_turn_waiters() noexcept {
        const auto waiters = std::move(turn_waiters_);  // destroyed after the member is empty
    }
    /// The frame type the next ERROR refers to (its ref_type): the request answering now.
    void answering(std::uint8_t raw_type) noexcept {
        current_type_.store(raw_type, std::memory_order_relaxed);
    }
    /// Writes what is queued.
    void flush();
    /// Bytes queued for writing.
    std::uint64_t queued_output() const noexcept { return writes_.queued_bytes(); }
    /// The node's output is over its cap and this queue is among the largest: close as a slow
    /// consumer (5002).
    void shed_output();
    /// SessionClock's callback for every session.
    static void deadline_passed(ClockEntry& entry);
    /// The session an entry of the loop's clock belongs to: every entry is a session's.
    static ClientSession& from_clock_entry(ClockEntry& entry) noexcept {
        return static_cast<ClientSession&>(entry);
    }

    /// Frames read while a request waits that may queue behind it; more pause reading.
    static constexpr std::size_t kMaxQueuedRequests = 64;
    /// Their bytes may reach this much, or one frame of max_frame_size when that is more.
    static constexpr std::size_t kQueuedRequestBytes = 256 * 1024;
    /// The longest a sender told to slow down is not read: well inside any heartbeat interval.
    static constexpr std::chrono::milliseconds kMaxReadHold{1000};
    /// Pipelined requests (chat messages being stored) in flight at once; the next frame waits
    /// for one to finish, and the frames behind it queue as above. docs/protocol.md, section 5.
    static constexpr std::size_t kMaxPipelinedRequests = 32;

  private:
    // closing: the GOODBYE is being written; lingering: it is out and the sending side shut,
    // while what the peer still sends is read and dropped, so that closing does not reset the
    // connection before the peer has read the end of the stream.
    enum class State : std::uint8_t { handshaking, active, closing, lingering, closed };
    /// Reads of the loop's buffer a lingering close drops before it closes anyway.
    static constexpr std::uint16_t kLingerReads = 16;
    // The clock's queues, one per kind of deadline, each with one fixed length.
    enum Deadline : std::size_t { handshake_deadline, idle_check, frame_end, close_linger };
    static_assert(close_linger < SessionClock::kQueues);

    bool serving() const noexcept { return state_ <= State::active; }
    /// Bytes queued for writing above which no further frame is decoded.
    bool over_high_water() const noexcept {
        return writes_.queued_bytes() > env_.limits.write_queue_limit / 2;
    }
    /// This session as the target of a stream's wait, which keeps it alive.
    std::shared_ptr<StreamWaiter> as_waiter() {
        return {shared_from_this(), static_cast<StreamWaiter*>(this)};
    }
    // StreamWaiter:
    void stream_readable(const boost::system::error_code& ec) override;
    void stream_writable(const boost::system::error_code& ec) override;

    void read_available();
    /// Runs the session's frames on the loop's RequestRunner, past requests that let the next
    /// start. True when every frame ran; otherwise one waits, or the next waits for the
    /// pipelined requests in flight, and request_waiting_ is set.
    bool run_requests();
    std::uint64_t pipelined_in_flight() const noexcept {
        return pipeline_started_ - pipeline_finished_;
    }
    /// Puts a frame taken from the input back at the head of the queue.
    void put_back(Frame frame);
    /// Posted once a pipelined request finished while the next frame waited for it.
    void pipeline_advanced();
    /// Waits until the stream is readable; one wait at a time.
    void wait_readable();
    /// Runs the frames in `bytes` in order, or queues them while a request waits; false if
    /// reading has to pause (the bytes not yet decoded are kept in unread_) or the session is
    /// closing.
    bool handle_bytes(std::span<const std::uint8_t> bytes);
    /// handle_bytes() while a request waits: answers what may overtake it, queues the rest.
    bool queue_while_waiting();
    bool queue_full() const noexcept;
    /// The next frame of input_, or an empty one when the bytes are used up or corrupt.
    Frame decode_next();
    /// The next frame queued or decoded, whatever it is.
    Frame take_next();
    /// Refuses a HANDSHAKE while the address's failed logins are over their rate; true if so.
    bool refused_login(const Frame& frame);
    /// Makes input_ outlive the loop's read buffer and stops reading until resume().
    void pause_reading();
    /// Reads and runs nothing more for `wait`, then resume()s: the sender was told to slow down.
    void hold_reading(std::chrono::milliseconds wait);
    /// Runs what queued or was held back, then reads again if reading paused.
    void resume();
    void frame_heard();
    void fail_stream();
    void on_deadline();
    void check_idle();
    /// send()'s work on the loop: to the held frames while holding, else to the write queue.
    void enqueue(Frame frame);
    void enqueue_for_writing(Frame frame);
    void close_slow_consumer();
    /// Runs `change` on the write queue and tells the loop how its queued bytes changed.
    template <typename Change>
    void change_queue(Change change);
    void request_flush();
    void write_queued();
    /// Writes as much of `buffers` as the stream takes now; returns the bytes written.
    std::size_t write_now(const FrameBuffers& buffers, boost::system::error_code& ec);
    /// Leaves the handshaking state, telling the node once.
    void end_handshake();
    void begin_close(const Error& reason, bool drop_pending);
    /// The GOODBYE is out: shut the sending side and drop what the peer still sends, for a
    /// while, before closing.
    void linger();
    void discard_input();
    void finish_close();

    std::unique_ptr<ByteStream> stream_;
    const SessionEnvironment& env_;
    SessionLoop& loop_;
    const std::uint64_t epoch_;
    const std::uint64_t address_key_;
    FrameDecoder decoder_;
    WriteQueue writes_;
    std::size_t batch_written_ = 0;        // bytes of the in-flight batch already written
    std::span<const std::uint8_t> input_;  // bytes being handled, not yet decoded
    // Bytes read but not yet decoded while a request waits or the write queue is full; only
    // then is anything allocated.
    std::unique_ptr<std::vector<std::uint8_t>> unread_;
    // Frames read while a request waits, to run after it; allocated only then.
    struct QueuedRequests {
        std::deque<Frame> frames;
        std::size_t bytes = 0;
    };
    std::unique_ptr<QueuedRequests> queued_;
    bool has_queued() const noexcept { return queued_ && !queued_->frames.empty(); }
    // What a replaying handler uses (hold_sends, drained), in one block allocated only while
    // one does: an idle connection pays one pointer for it.
    using DrainWake =
        boost::asio::async_result<boost::asio::use_awaitable_t<>, void()>::handler_type;
    struct ReplayAid {
        bool holding = false;
        std::vector<Frame> held;  // frames send() queued while holding
        std::uint64_t held_bytes = 0;
        std::optional<DrainWake> drain_waiter;  // the coroutine waiting in drained()
    };
    std::unique_ptr<ReplayAid> replay_;
    // The timer of hold_reading(); allocated the first time a sender is told to slow down.
    std::unique_ptr<boost::asio::steady_timer> read_hold_;
    ReplayAid& replay_aid();
    void drop_unused_replay_aid();
    bool holding() const noexcept { return replay_ && replay_->holding; }
    void wake_drain_waiter();
    std::atomic<UserId> user_{kNoUser};
    std::atomic<std::uint8_t> current_type_{0};  // type of the frame being handled, for errors
    State state_ = State::handshaking;
    bool flush_requested_ = false;
    bool heard_from_ = false;          // a whole frame arrived since the last idle check
    bool awaiting_frame_end_ = false;  // a frame has begun: the frame_end deadline runs
    bool request_waiting_ = false;     // a request waits in the RequestRunner, or line_blocked_
    bool line_blocked_ = false;        // the next frame waits for the pipelined requests
    bool take_blocked_ = false;        // next_request() kept a frame back for them
    bool reading_paused_ = false;      // no read is pending: resume() reads again
    bool read_waiting_ = false;        // a wait_readable() is pending
    bool read_held_ = false;           // told to slow down: hold_reading() runs
    std::uint16_t silent_checks_ = 0;
    std::uint64_t pipeline_started_ = 0;   // tickets handed out
    std::uint64_t pipeline_finished_ = 0;  // tickets finished, all those below it
    // Pipelined requests waiting for their turn, by ticket. Allocated on the first wait.
    std::unique_ptr<std::map<std::uint64_t, TurnWake>> turn_waiters_;
    // Failed handshakes while handshaking; reads dropped while lingering.
    std::uint16_t state_count_ = 0;
};

}  // namespace parley::net
