#pragma once

#include <cstdint>
#include <vector>

#include <parley/frame.hpp>

#include "net/frame_buffers.hpp"

namespace parley::net {

/// Frames waiting to be written on one connection, with a bound on the bytes waiting. Frames
/// queued while a batch is being written go out together in the next gather write.
///
/// Usually the pending frames are written at once (pending_buffers(), pending_written()); only
/// when the socket is full do they become an in-flight batch (start_batch(), finish_batch())
/// that the session finishes once the stream has room, while new frames queue behind it.
///
/// Capacity grown during a burst is kept while the connection is busy, so a busy connection
/// queues without allocating; release_memory() gives it back once the connection is quiet.
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
    /// Forgets the frames of the in-flight batch that no byte of was written yet, the first
    /// `written` bytes of the batch having been: what remains is at most the one frame a write
    /// stopped in the middle of, which must be finished for the stream to stay whole.
    void drop_unstarted(std::uint64_t written) noexcept;

    bool has_pending() const noexcept { return !pending_.empty(); }
    bool writing() const noexcept { return !inflight_.empty(); }
    std::uint64_t queued_bytes() const noexcept { return queued_bytes_; }

    /// The pending frames' buffers, valid until the queue next changes.
    FrameBuffers pending_buffers() const noexcept {
        return {pending_.data(), pending_.data() + pending_.size()};
    }
    /// The pending frames were written in full: release them.
    void pending_written() noexcept;

    /// Moves every pending frame into the in-flight batch; returns the batch's buffers, valid
    /// until finish_batch().
    FrameBuffers start_batch();
    /// The in-flight batch's buffers, valid until finish_batch().
    FrameBuffers batch_buffers() const noexcept {
        return {inflight_.data(), inflight_.data() + inflight_.size()};
    }
    /// The in-flight batch was written (or failed): release it.
    void finish_batch() noexcept;

    /// Frees the vectors' capacity. Call only when nothing is queued or in flight.
    void release_memory() noexcept;

  private:
    std::uint64_t limit_;
    std::uint64_t queued_bytes_ = 0;
    std::vector<Frame> pending_;
    std::vector<Frame> inflight_;
};

}  // namespace parley::net
