#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <parley/frame.hpp>
#include <parley/handler.hpp>

namespace parley::net {

class ClientSession;

/// Runs requests (a session's frames through the dispatcher and their handlers) on a few
/// coroutines kept per loop. A session borrows one only while it has frames to run, so an idle
/// connection holds no coroutine frame at all. A borrowed coroutine runs every frame the
/// session decoded from one read, in order, and allocates nothing for requests that complete
/// without waiting (most do). A request that waits keeps its coroutine, and the session's later
/// frames wait with it; when every parked coroutine is busy a new one is started, and spare
/// ones end. A pipelined request (Handler::pipelines) that suspends after
/// RequestOrder::let_next_start() keeps its coroutine too, but lets the session's later frames
/// run on another one; it answers in its turn, after every earlier request of the session.
///
/// Not thread safe: use it on its loop only.
class RequestRunner {
  public:
    explicit RequestRunner(boost::asio::io_context::executor_type executor);
    ~RequestRunner();
    RequestRunner(const RequestRunner&) = delete;
    RequestRunner& operator=(const RequestRunner&) = delete;

    enum class Result : std::uint8_t {
        finished,  ///< every request ran (or the next one waits for the pipelined ones)
        waiting,   ///< one waits; requests_finished() is posted once it and the rest have run
        released,  ///< one waits, but let the next frames start: run() again for them
    };
    /// Runs the session's requests (ClientSession::next_request()) at once, until it has none
    /// or one waits.
    Result run(std::shared_ptr<ClientSession> session);

    /// Runs one frame of the session on a coroutine of its own, beside a request of the session
    /// that waits: for frames that need no order with the others (ClientSession decides).
    void run_out_of_turn(std::shared_ptr<ClientSession> session, Frame frame);

    /// Drops the parked coroutines, for the loop's shutdown.
    void clear() noexcept;

  private:
    using Wake = boost::asio::async_result<boost::asio::use_awaitable_t<>, void()>::handler_type;
    struct Worker {
        std::shared_ptr<ClientSession> session;
        std::optional<Wake> wake;         // set while parked
        bool* finished_inline = nullptr;  // run()'s answer, while run() is still on the stack
        bool releasing = false;           // its pipelined request let the next frames start, inline
        bool gave_up_line = false;        // the session's next frames run on another worker now
        std::size_t slot = 0;             // its place in workers_
    };
    class PipelinedRequest;

    boost::asio::awaitable<void> work(Worker& worker);
    /// One pipelined request, from the interceptors to its answer in turn.
    boost::asio::awaitable<void> run_pipelined(Worker& worker, ClientSession& session,
                                               RequestContext& ctx, Frame& frame);
    static boost::asio::awaitable<void> run_one(std::shared_ptr<ClientSession> session,
                                                Frame frame);
    void forget(Worker& worker) noexcept;

    /// Parked coroutines beyond this many end instead of parking. Pipelined chat messages take a
    /// coroutine each, so a loop under load keeps a few hundred ready (each holds its coroutine
    /// frame) rather than start one per message.
    static constexpr std::size_t kMaxParked = 256;

    boost::asio::io_context::executor_type executor_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::vector<Worker*> parked_;
};

}  // namespace parley::net
