#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <parley/frame_decoder.hpp>
#include <parley/session.hpp>

#include "net/session_environment.hpp"
#include "net/write_queue.hpp"

namespace parley::net {

/// One client connection: a reader coroutine that decodes and dispatches frames one at a time,
/// a write chain that drains the WriteQueue in gather writes, and one timer for the handshake
/// deadline and then idle detection.
///
/// Owns itself through shared_from_this(); every pending operation keeps it alive. All state is
/// touched only on its loop; the public Session calls post there when called from elsewhere.
class ClientSession final : public Session, public std::enable_shared_from_this<ClientSession> {
  public:
    /// `socket` must already belong to `loop`.
    ClientSession(boost::asio::io_context& loop, boost::asio::ip::tcp::socket socket,
                  const SessionEnvironment& env, std::uint64_t epoch);
    ~ClientSession() override;

    /// Starts reading and the handshake deadline. Call on the session's loop.
    void start();

    UserId user() const noexcept override { return user_.load(std::memory_order_acquire); }
    std::uint64_t epoch() const noexcept override { return epoch_; }
    const std::string& remote_address() const noexcept override { return remote_; }
    asio::any_io_executor executor() const override { return executor_; }

    void send(Frame frame) override;
    void send_error(const Error& error, std::uint64_t ref_id) override;
    void close(const Error& reason) override;
    void complete_login(UserId user) override;

  private:
    enum class State : std::uint8_t { handshaking, active, closing, closed };

    boost::asio::awaitable<void> read_loop();
    /// Decodes `bytes` into whole frames; false once the stream is corrupt.
    bool decode(std::span<const std::uint8_t> bytes, std::vector<Frame>& frames);
    void enqueue(Frame frame);
    void start_write();
    void on_written(const boost::system::error_code& ec);
    void begin_close(const Error& reason, bool drop_pending);
    void finish_close();
    void arm_handshake_deadline();
    void arm_idle_check();

    boost::asio::ip::tcp::socket socket_;
    boost::asio::io_context::executor_type executor_;
    boost::asio::steady_timer timer_;
    const SessionEnvironment& env_;
    const std::uint64_t epoch_;
    std::string remote_;
    FrameDecoder decoder_;
    WriteQueue writes_;
    std::atomic<UserId> user_{kNoUser};
    std::atomic<std::uint8_t> current_type_{0};  // type of the frame being handled, for errors
    State state_ = State::handshaking;
    std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace parley::net
