#pragma once
// One event loop of the generator: the io_context, the clock of the batch being handled, and
// the connections that have output waiting. Handlers append to connections' buffers; the loop
// starts their writes once per batch, so many messages leave in one write.
// Not thread safe: one Loop per thread, used only from that thread.

#include <chrono>
#include <cstdint>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "handler_pool.hpp"

namespace parley::bench {

class Connection;

/// Nanoseconds on the steady clock; payload stamps and latencies use it.
inline std::uint64_t steady_ns() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

class Loop {
  public:
    Loop() = default;
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    boost::asio::io_context& io() noexcept { return io_; }
    /// For handlers of frequent operations: asio::bind_allocator(loop.allocator(), handler).
    PoolAllocator<void> allocator() noexcept { return PoolAllocator<void>(pool_); }

    /// The time the current batch of input was read: one clock read serves all its messages.
    std::uint64_t batch_ns() const noexcept { return batch_ns_; }
    void stamp_batch() noexcept { batch_ns_ = steady_ns(); }

    /// Remembers a connection with new output; flush() starts its write.
    void mark_dirty(Connection& connection) { dirty_.push_back(&connection); }
    void flush();

  private:
    HandlerPool pool_;  // before io_: pending operations are freed into it when io_ goes
    // One thread runs this context and nothing is posted from others, so Asio may skip its locks.
    boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE};
    std::vector<Connection*> dirty_;
    std::uint64_t batch_ns_ = 0;
};

}  // namespace parley::bench
