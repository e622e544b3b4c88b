#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <parley/frame.hpp>
#include <parley/frame_decoder.hpp>
#include <parley/rpc.hpp>

#include "net/loop_socket.hpp"
#include "rpc/service_table.hpp"

namespace parley::wire {
class RpcRequest;
class RpcResponse;
}  // namespace parley::wire

namespace parley::rpc {

class CallCompletion;

/// What every connection of one RPC listener obeys (config::RpcSettings, resolved).
struct ConnectionRules {
    std::size_t max_calls = 128;
    std::chrono::milliseconds default_timeout{30'000};
    std::chrono::milliseconds max_timeout{300'000};
    std::uint32_t max_frame_size = 4 * 1024 * 1024;
    std::string token;  ///< empty: calls are not checked
};

/// One caller's connection to an RPC listener. Reads RPC REQUEST and RPC CANCEL frames, runs
/// each call (several at once; answers go out as they finish, in any order), and answers every
/// request exactly once, unless the caller cancelled it.
///
/// A request takes one of max_calls slots until its answer is written, so a caller that sends
/// without reading stops being read instead of growing the node's memory. Lives on its
/// socket's loop; every member runs there.
class RpcConnection : public std::enable_shared_from_this<RpcConnection> {
  public:
    using Timer =
        boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                          boost::asio::wait_traits<std::chrono::steady_clock>,
                                          boost::asio::io_context::executor_type>;

    /// `table` and `rules` outlive the connection; `on_closed` runs once, when it closes.
    RpcConnection(net::LoopSocket socket, const ServiceTable& table, const ConnectionRules& rules,
                  std::function<void()> on_closed);
    ~RpcConnection();
    RpcConnection(const RpcConnection&) = delete;
    RpcConnection& operator=(const RpcConnection&) = delete;

    void start();
    boost::asio::io_context::executor_type executor() { return socket_.get_executor(); }
    /// Closes the connection: calls still running are cancelled and their answers dropped.
    void close();

  private:
    struct Call;

    boost::asio::awaitable<void> read_loop();
    void on_frame(const Frame& frame);
    void on_request(const Frame& frame);
    void on_cancel(const Frame& frame);
    /// Runs the method; answers at once when it finished inside, else waits for it.
    void run(const std::shared_ptr<Call>& call, const MethodTarget& target);
    boost::asio::awaitable<void> finish_later(std::shared_ptr<Call> call,
                                              std::shared_ptr<CallCompletion> completion);
    void expire(const std::shared_ptr<Call>& call);
    /// The method's answer (or failure) for `call`, unless it was answered already.
    void finish(const std::shared_ptr<Call>& call);
    /// Queues an answer that holds a slot until written.
    void answer(const wire::RpcResponse& response);
    void answer_error(std::uint64_t call_id, const Error& error);
    void send(Frame frame);
    void flush();
    void release_slots(std::size_t count);

    net::LoopSocket socket_;
    const ServiceTable& table_;
    const ConnectionRules& rules_;
    std::function<void()> on_closed_;
    FrameDecoder decoder_;
    /// What one read takes. A member, not in the read loop's frame: a frame that large makes
    /// GCC's sanitizer builds warn about Asio's frame allocator.
    std::vector<std::uint8_t> read_buffer_;
    std::unordered_map<std::uint64_t, std::shared_ptr<Call>> calls_;
    /// Requests read and not yet answered on the wire (cancelled ones excepted).
    std::size_t slots_used_ = 0;
    /// Wakes the read loop when a slot frees up, or the connection closes.
    Timer slot_freed_;
    std::deque<Frame> outbox_;
    std::vector<Frame> writing_;
    bool closed_ = false;
    /// After a corrupt stream: close once what is queued (the ERROR) is written.
    bool close_after_flush_ = false;
};

}  // namespace parley::rpc
