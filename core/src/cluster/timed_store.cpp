#include "cluster/timed_store.hpp"

#include <chrono>

namespace parley::cluster {

class TimedStore::Timer {
  public:
    explicit Timer(metrics::Histogram& histogram)
        : histogram_(histogram), started_(std::chrono::steady_clock::now()) {}
    ~Timer() {
        histogram_.observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

  private:
    metrics::Histogram& histogram_;
    std::chrono::steady_clock::time_point started_;
};

TimedStore::TimedStore(std::shared_ptr<Store> inner, const std::string& plugin)
    : inner_(std::move(inner)) {
    static constexpr std::array<const char*, kCalls> kNames{
        "claim",       "release",   "locate",        "online",     "join_group",
        "leave_group", "is_member", "group_members", "group_nodes"};
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        latency_[i] = &metrics::registry().histogram(
            "parley_backend_call_seconds",
            "Time backend calls took to answer or fail, by backend, plugin and call.",
            metrics::latency_buckets(),
            {{"backend", "store"}, {"plugin", plugin}, {"call", kNames[i]}});
    }
}

asio::awaitable<ClaimResult> TimedStore::claim(SessionRecord record, DuplicateLoginPolicy policy) {
    const Timer timer(*latency_[claim_call]);
    co_return co_await inner_->claim(std::move(record), policy);
}

asio::awaitable<ClaimResult> TimedStore::take_over(SessionRecord record, SessionRecord holder) {
    const Timer timer(*latency_[claim_call]);  // a login, as claim is
    co_return co_await inner_->take_over(std::move(record), std::move(holder));
}

asio::awaitable<void> TimedStore::release(UserId user, std::uint64_t epoch) {
    const Timer timer(*latency_[release_call]);
    co_await inner_->release(user, epoch);
}

asio::awaitable<std::optional<SessionRecord>> TimedStore::locate(UserId user) {
    const Timer timer(*latency_[locate_call]);
    co_return co_await inner_->locate(user);
}

asio::awaitable<OnlinePage> TimedStore::online(std::uint64_t cursor, std::uint32_t limit) {
    const Timer timer(*latency_[online_call]);
    co_return co_await inner_->online(cursor, limit);
}

asio::awaitable<void> TimedStore::join_group(GroupId group, UserId user) {
    const Timer timer(*latency_[join_call]);
    co_await inner_->join_group(group, user);
}

asio::awaitable<bool> TimedStore::leave_group(GroupId group, UserId user) {
    const Timer timer(*latency_[leave_call]);
    co_return co_await inner_->leave_group(group, user);
}

asio::awaitable<bool> TimedStore::is_member(GroupId group, UserId user) {
    const Timer timer(*latency_[member_call]);
    co_return co_await inner_->is_member(group, user);
}

asio::awaitable<std::vector<UserId>> TimedStore::group_members(GroupId group) {
    const Timer timer(*latency_[members_call]);
    co_return co_await inner_->group_members(group);
}

asio::awaitable<std::optional<std::vector<std::string>>> TimedStore::group_nodes(
    GroupId group, std::uint32_t max_members) {
    const Timer timer(*latency_[nodes_call]);
    co_return co_await inner_->group_nodes(group, max_members);
}

asio::awaitable<void> TimedStore::check_ready() {
    co_await inner_->check_ready();
}

}  // namespace parley::cluster
