#pragma once
// Lines the generator's threads up between phases (connected, measuring, holding) so every
// thread measures the same interval. The last thread to arrive runs the phase's hook (reading
// the server's memory, say) while the others wait. Thread safe.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace parley::bench {

class PhaseSync {
  public:
    explicit PhaseSync(unsigned threads) : threads_(threads) {}

    /// Blocks until every thread has arrived. `ok` false from any thread makes all_ok() false
    /// for good. Returns the steady-clock time at which the last thread arrived.
    std::uint64_t arrive_and_wait(bool ok, const std::function<void()>& last_one = {});
    bool all_ok() const;

  private:
    const unsigned threads_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    unsigned arrived_ = 0;
    std::uint64_t generation_ = 0;
    std::uint64_t released_at_ = 0;
    bool ok_ = true;
};

}  // namespace parley::bench
