#include <algorithm>
#include <stdexcept>

#include <parley/client/backoff.hpp>

namespace parley::client {

Backoff::Backoff(BackoffOptions options, std::uint64_t seed)
    : options_(options), ceiling_(options.initial), random_(seed) {
    if (options_.initial.count() <= 0 || options_.max < options_.initial) {
        throw std::invalid_argument("back-off needs 0 < initial <= max (initial " +
                                    std::to_string(options_.initial.count()) + " ms, max " +
                                    std::to_string(options_.max.count()) + " ms)");
    }
    if (!(options_.multiplier >= 1.0)) {
        throw std::invalid_argument("back-off multiplier must be at least 1, not " +
                                    std::to_string(options_.multiplier));
    }
}

std::chrono::milliseconds Backoff::next() {
    std::uniform_int_distribution<std::chrono::milliseconds::rep> jitter(0, ceiling_.count());
    const std::chrono::milliseconds delay{jitter(random_)};
    // Grow in double and clamp before converting back, so a large multiplier cannot overflow.
    const double grown = static_cast<double>(ceiling_.count()) * options_.multiplier;
    const double capped = std::min(grown, static_cast<double>(options_.max.count()));
    ceiling_ = std::chrono::milliseconds{static_cast<std::chrono::milliseconds::rep>(capped)};
    return delay;
}

}  // namespace parley::client
