#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <parley/frame.hpp>

namespace parley::net {

class ClientSession;

/// Runs requests (a session's frames through the dispatcher and their handlers) on a few
/// coroutines kept per loop. A session borrows one only while it has frames to run, so an idle
/// connection holds no coroutine frame at all. A borrowed coroutine runs every frame the
/// session decoded from one read, in order, and allocates nothing for requests that complete
/// without waiting (most do). A request that waits keeps its coroutine, and the session's later
/// frames wait with it; when every parked coroutine is busy a new one is started, and spare
/// ones end.
///
/// Not thread safe: use it on its loop only.
class RequestRunner {
  public:
    explicit RequestRunner(boost::asio::io_context::executor_type executor);
    ~RequestRunner();
    RequestRunner(const RequestRunner&) = delete;
    RequestRunner& operator=(const RequestRunner&) = delete;

    /// Runs the session's requests (ClientSession::next_request()) at once, until it has none.
    /// True when they have all finished by the time this returns; otherwise one is waiting, and
    /// the session's requests_finished() is posted to the loop once the rest have run too.
    bool run(std::shared_ptr<ClientSession> session);

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
    };

    boost::asio::awaitable<void> work(Worker& worker);
    static boost::asio::awaitable<void> run_one(std::shared_ptr<ClientSession> session,
                                                Frame frame);
    void forget(Worker& worker) noexcept;

    /// Parked coroutines beyond this many end instead of parking.
    static constexpr std::size_t kMaxParked = 4;

    boost::asio::io_context::executor_type executor_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::vector<Worker*> parked_;
};

}  // namespace parley::net
