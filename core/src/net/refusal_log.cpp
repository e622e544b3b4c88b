#include "net/refusal_log.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <mutex>

#include "net/node_metrics.hpp"

namespace parley::net {
namespace {

constexpr unsigned kLinesPerSecond = 5;

struct Budget {
    std::mutex mutex;
    std::chrono::steady_clock::time_point window{};
    unsigned lines = 0;
    std::uint64_t skipped = 0;
};

std::array<Budget, static_cast<std::size_t>(Refusal::count)>& budgets() {
    static std::array<Budget, static_cast<std::size_t>(Refusal::count)> all;
    return all;
}

}  // namespace

bool refusal_log_admits(Refusal kind, std::uint64_t& skipped) noexcept {
    Budget& budget = budgets()[static_cast<std::size_t>(kind)];
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard lock(budget.mutex);
    if (now - budget.window >= std::chrono::seconds(1)) {
        budget.window = now;
        budget.lines = 0;
    }
    if (budget.lines >= kLinesPerSecond) {
        ++budget.skipped;
        return false;
    }
    ++budget.lines;
    skipped = budget.skipped;
    budget.skipped = 0;
    return true;
}

void count_refusal(Refusal kind) noexcept {
    NodeMetrics::get().refused(kind);
}

}  // namespace parley::net
