#pragma once
// The send times of one sender's messages that the server has not acknowledged yet, oldest
// first. Every server the benchmark uses acknowledges one connection's messages in the order
// they were sent, so the oldest time belongs to the next acknowledgement. A ring that doubles
// when full: no allocation per message once it has grown to the window.
// Not thread safe: one per sender, on its generator thread.

#include <cstdint>
#include <vector>

namespace parley::bench {

class SendTimes {
  public:
    void push(std::uint64_t ns) {
        if (size_ == ring_.size()) {
            grow();
        }
        ring_[(head_ + size_) % ring_.size()] = ns;
        ++size_;
    }

    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }

    /// Removes and returns the oldest time; call only when not empty.
    std::uint64_t pop() noexcept {
        const auto ns = ring_[head_];
        head_ = (head_ + 1) % ring_.size();
        --size_;
        return ns;
    }

  private:
    void grow() {
        std::vector<std::uint64_t> bigger(ring_.empty() ? 16 : ring_.size() * 2);
        for (std::size_t i = 0; i < size_; ++i) {
            bigger[i] = ring_[(head_ + i) % ring_.size()];
        }
        ring_.swap(bigger);
        head_ = 0;
    }

    std::vector<std::uint64_t> ring_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

}  // namespace parley::bench
