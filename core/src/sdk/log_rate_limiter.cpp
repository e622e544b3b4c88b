#include <parley/log_rate_limiter.hpp>

namespace parley {

LogRateLimiter::Verdict LogRateLimiter::admit(Clock::time_point now) noexcept {
    if (!started_ || now - window_start_ >= window_) {
        started_ = true;
        window_start_ = now;
        in_window_ = 0;
    }
    if (in_window_ >= limit_) {
        ++dropped_;
        return {};
    }
    ++in_window_;
    Verdict verdict{true, dropped_};
    dropped_ = 0;
    return verdict;
}

}  // namespace parley
