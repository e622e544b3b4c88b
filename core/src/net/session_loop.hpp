#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>

#include <parley/error.hpp>

#include "net/request_runner.hpp"
#include "net/session_clock.hpp"
#include "net/write_flusher.hpp"

namespace parley::net {

/// What the sessions of one event loop share instead of each holding its own: the buffer they
/// read into, the clock for their deadlines, the coroutines that run their requests, and the
/// end-of-turn write flush. An Asio service of the loop's io_context, so it lives exactly as
/// long as the loop.
///
/// Not thread safe: sessions use it on their own loop only.
class SessionLoop final : public boost::asio::execution_context::service {
  public:
    static boost::asio::execution_context::id id;

    /// The loop's instance, created on first use. `loop` must be an io_context.
    static SessionLoop& of(boost::asio::io_context& loop);

    explicit SessionLoop(boost::asio::execution_context& context);

    /// Marks the calling thread as the one that runs `loop`, so that running_here() needs no
    /// search of Asio's per-thread call stack. LoopPool calls it on each of its threads.
    static void bind_to_this_thread(boost::asio::io_context& loop);

    boost::asio::io_context::executor_type executor() const noexcept { return executor_; }
    /// True on the thread running this loop.
    bool running_here() const noexcept;

    /// Every read on this loop lands here and is decoded before anything else runs, so one
    /// buffer serves all of the loop's connections and an idle connection holds none.
    std::span<std::uint8_t> read_buffer() const noexcept {
        return {read_buffer_.get(), kReadBufferSize};
    }

    SessionClock& clock() noexcept { return clock_; }
    RequestRunner& runner() noexcept { return runner_; }
    WriteFlusher& flusher() noexcept { return flusher_; }

    /// Bytes the loop's sessions have queued for writing (WriteQueue::queued_bytes() summed).
    /// Any thread may read it (the node's metrics); only the loop changes it, so a plain load
    /// and store suffice and the count costs no locked instruction.
    std::uint64_t queued_output() const noexcept {
        return queued_output_.load(std::memory_order_relaxed);
    }
    void output_queued(std::uint64_t bytes) noexcept {
        queued_output_.store(queued_output() + bytes, std::memory_order_relaxed);
    }
    void output_released(std::uint64_t bytes) noexcept {
        queued_output_.store(queued_output() - bytes, std::memory_order_relaxed);
    }
    /// Once this turn ends, if queued_output() is over `limit`, closes the sessions with the
    /// largest queues as slow consumers until it would not be. Posted, so that no sender is
    /// in the middle of a fan-out when sessions close.
    void shed_output(std::uint64_t limit);

    /// Closes every open session of this loop with `reason`. Call on the loop. Every open
    /// session has exactly one deadline in the clock, so the clock knows them all: nothing else
    /// needs to keep a list of sessions.
    void close_all(const Error& reason);

  private:
    static constexpr std::size_t kReadBufferSize = 64 * 1024;

    boost::asio::io_context::executor_type executor_;
    std::unique_ptr<std::uint8_t[]> read_buffer_;
    SessionClock clock_;
    RequestRunner runner_;
    WriteFlusher flusher_;
    std::atomic<std::uint64_t> queued_output_{0};
    bool shedding_posted_ = false;

    void shed_now(std::uint64_t limit);

    /// Runs when the io_context is destroyed, before any other of its services: lets go of
    /// every session so that none is touched after the loop is gone.
    void shutdown() override;
};

}  // namespace parley::net
