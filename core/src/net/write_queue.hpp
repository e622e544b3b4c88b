#pragma once

#include <cstdint>
#include <vector>

#include <boost/asio/buffer.hpp>

#include <parley/frame.hpp>

namespace parley::net {

/// Frames waiting to be written on one connection, with a bound on the bytes waiting. Frames
/// queued while a write is in flight go out together in the next gather write.
///
/// Not thread safe: owned by one session, used on its loop.
class WriteQueue {
  public:
    explicit WriteQueue(std::uint64_t limit_bytes) noexcept : limit_(limit_bytes) {}

    /// Queues `frame`; false (and nothing queued) when that would pass the bound.
    bool push(Frame frame);
    /// Queues `frame` whatever the bound: for the last frame before closing.
    void push_unbounded(Frame frame);
    /// Forgets frames not yet handed to a write.
    void drop_pending() noexcept;

    bool has_pending() const noexcept { return !pending_.empty(); }
    bool writing() const noexcept { return !inflight_.empty(); }
    std::uint64_t queued_bytes() const noexcept { return queued_bytes_; }

    /// Moves every pending frame into the in-flight batch; returns its buffers.
    const std::vector<boost::asio::const_buffer>& start_batch();
    /// The in-flight batch was written (or failed): release it.
    void finish_batch() noexcept;

  private:
    std::uint64_t limit_;
    std::uint64_t queued_bytes_ = 0;
    std::vector<Frame> pending_;
    std::vector<Frame> inflight_;
    std::vector<boost::asio::const_buffer> buffers_;
};

}  // namespace parley::net
