#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <parley/frame_decoder.hpp>
#include <parley/session.hpp>

#include "net/handler_memory.hpp"
#include "net/loop_socket.hpp"
#include "net/session_clock.hpp"
#include "net/session_environment.hpp"
#include "net/write_queue.hpp"

namespace parley::net {

class SessionLoop;

/// One client connection. It holds no coroutine and no timer of its own, so an idle one costs
/// only this object, a pending readiness wait and the kernel's socket:
/// - reading: a callback waits for readability, then reads into the loop's buffer and decodes
///   frames at once; each frame runs on one of the loop's request coroutines (RequestRunner).
///   A request that waits pauses reading, so a connection's frames run one at a time, in order.
/// - writing: frames queue in a WriteQueue; the loop's WriteFlusher writes each connection's
///   queue once per turn, as one gather write.
/// - deadlines (handshake, idle check, closing linger) sit in the loop's SessionClock.
///
/// Owns itself through shared_from_this(); every pending operation keeps it alive. All state is
/// touched only on its loop; the public Session calls post there when called from elsewhere.
class ClientSession final : public Session,
                            public std::enable_shared_from_this<ClientSession>,
                            private ClockEntry {
  public:
    /// `socket` must already belong to `loop`.
    ClientSession(boost::asio::io_context& loop, LoopSocket socket, const SessionEnvironment& env,
                  std::uint64_t epoch);
    ~ClientSession() override;

    /// Starts reading and the handshake deadline. Call on the session's loop.
    void start();

    UserId user() const noexcept override { return user_.load(std::memory_order_acquire); }
    std::uint64_t epoch() const noexcept override { return epoch_; }
    const std::string& remote_address() const noexcept override { return remote_; }
    asio::any_io_executor executor() const override;

    void send(Frame frame) override;
    void send_error(const Error& error, std::uint64_t ref_id) override;
    void close(const Error& reason) override;
    void complete_login(UserId user) override;

    // For the loop's shared parts (SessionLoop), on the session's loop:
    const SessionEnvironment& environment() const noexcept { return env_; }
    SessionLoop& loop() const noexcept { return loop_; }
    /// The next frame decoded from the bytes being handled, or an empty frame when there is
    /// none (the bytes are used up, the stream turned out corrupt, or the session is closing).
    Frame next_request();
    /// A request had to wait; it and the frames after it have now run: read again.
    void requests_finished();
    /// Writes what is queued.
    void flush();
    /// SessionClock's callback for every session.
    static void deadline_passed(ClockEntry& entry);
    /// The session an entry of the loop's clock belongs to: every entry is a session's.
    static ClientSession& from_clock_entry(ClockEntry& entry) noexcept {
        return static_cast<ClientSession&>(entry);
    }

  private:
    enum class State : std::uint8_t { handshaking, active, closing, closed };
    // The clock's queues, one per kind of deadline, each with one fixed length.
    enum Deadline : std::size_t { handshake_deadline, idle_check, close_linger };

    bool serving() const noexcept { return state_ <= State::active; }
    void read_available();
    void wait_readable();
    /// Runs the frames in `bytes` in order; false if it had to stop: a request is waiting
    /// (the bytes after it are kept in unread_) or the session is closing.
    bool handle_bytes(std::span<const std::uint8_t> bytes);
    void fail_stream();
    void on_deadline();
    void check_idle();
    void enqueue(Frame frame);
    void request_flush();
    void write_queued();
    void on_written(const boost::system::error_code& ec);
    void begin_close(const Error& reason, bool drop_pending);
    void finish_close();

    // Room for the readiness wait's operation (104 bytes with this Asio), so it needs no heap.
    static constexpr std::size_t kReadWaitRoom = 112;

    LoopSocket socket_;
    HandlerMemory<kReadWaitRoom> read_wait_memory_;
    const SessionEnvironment& env_;
    SessionLoop& loop_;
    const std::uint64_t epoch_;
    std::string remote_;
    FrameDecoder decoder_;
    WriteQueue writes_;
    std::span<const std::uint8_t> input_;  // bytes being handled, not yet decoded
    // Bytes read after a request that is still waiting; only then is anything allocated.
    std::unique_ptr<std::vector<std::uint8_t>> unread_;
    std::atomic<UserId> user_{kNoUser};
    std::atomic<std::uint8_t> current_type_{0};  // type of the frame being handled, for errors
    State state_ = State::handshaking;
    bool flush_requested_ = false;
    bool heard_from_ = false;  // bytes arrived since the last idle check
    std::uint16_t silent_checks_ = 0;
};

}  // namespace parley::net
