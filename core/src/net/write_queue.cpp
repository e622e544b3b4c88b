#include "net/write_queue.hpp"

namespace parley::net {

bool WriteQueue::push(Frame frame) {
    const std::uint64_t size = frame.bytes().size();
    if (queued_bytes_ + size > limit_) {
        return false;
    }
    push_unbounded(std::move(frame));
    return true;
}

void WriteQueue::push_unbounded(Frame frame) {
    queued_bytes_ += frame.bytes().size();
    pending_.push_back(std::move(frame));
}

void WriteQueue::drop_pending() noexcept {
    for (const auto& frame : pending_) {
        queued_bytes_ -= frame.bytes().size();
    }
    pending_.clear();
}

void WriteQueue::drop_unstarted(std::uint64_t written) noexcept {
    std::uint64_t start = 0;
    std::size_t keep = 0;
    while (keep < inflight_.size() && start < written) {
        start += inflight_[keep].bytes().size();
        ++keep;
    }
    for (std::size_t i = keep; i < inflight_.size(); ++i) {
        queued_bytes_ -= inflight_[i].bytes().size();
    }
    inflight_.resize(keep);
}

void WriteQueue::pending_written() noexcept {
    drop_pending();  // the same bookkeeping; the vector keeps its capacity for the next burst
}

FrameBuffers WriteQueue::start_batch() {
    // Swapping (rather than moving) keeps both vectors' capacity for the next burst.
    inflight_.swap(pending_);
    return {inflight_.data(), inflight_.data() + inflight_.size()};
}

void WriteQueue::finish_batch() noexcept {
    for (const auto& frame : inflight_) {
        queued_bytes_ -= frame.bytes().size();
    }
    inflight_.clear();
}

void WriteQueue::release_memory() noexcept {
    std::vector<Frame>().swap(pending_);
    std::vector<Frame>().swap(inflight_);
}

}  // namespace parley::net
