#include "phase_sync.hpp"

#include "loop.hpp"

namespace parley::bench {

std::uint64_t PhaseSync::arrive_and_wait(bool ok, const std::function<void()>& last_one) {
    std::unique_lock lock(mutex_);
    ok_ = ok_ && ok;
    const auto generation = generation_;
    if (++arrived_ == threads_) {
        if (last_one) {
            last_one();
        }
        arrived_ = 0;
        released_at_ = steady_ns();
        ++generation_;
        changed_.notify_all();
        return released_at_;
    }
    changed_.wait(lock, [&] { return generation_ != generation; });
    return released_at_;
}

bool PhaseSync::all_ok() const {
    std::lock_guard lock(mutex_);
    return ok_;
}

}  // namespace parley::bench
