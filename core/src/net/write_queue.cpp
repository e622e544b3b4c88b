#include "net/write_queue.hpp"

namespace parley::net {
namespace {

// Vectors that grew during a burst give their memory back, so an idle connection stays small.
constexpr std::size_t kKeepCapacity = 16;

template <class T>
void clear_and_trim(std::vector<T>& v) noexcept {
    v.clear();
    if (v.capacity() > kKeepCapacity) {
        v.shrink_to_fit();
    }
}

}  // namespace

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
    clear_and_trim(pending_);
}

const std::vector<boost::asio::const_buffer>& WriteQueue::start_batch() {
    inflight_.swap(pending_);
    buffers_.clear();
    for (const auto& frame : inflight_) {
        const auto bytes = frame.bytes();
        buffers_.emplace_back(bytes.data(), bytes.size());
    }
    return buffers_;
}

void WriteQueue::finish_batch() noexcept {
    for (const auto& frame : inflight_) {
        queued_bytes_ -= frame.bytes().size();
    }
    clear_and_trim(inflight_);
    clear_and_trim(buffers_);
}

}  // namespace parley::net
