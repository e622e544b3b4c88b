#include "locate_cache.hpp"

#include <algorithm>

namespace parley::plugins::redis {

LocateCache::LocateCache(std::size_t capacity, std::chrono::milliseconds max_age)
    : capacity_(capacity), max_age_(max_age) {}

std::optional<SessionRecord> LocateCache::find(UserId user, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(user);
    if (it == entries_.end()) {
        return std::nullopt;
    }
    if (it->second.expires <= now) {
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second.record;
}

LocateCache::Ticket LocateCache::begin(UserId user) {
    const std::lock_guard lock(mutex_);
    if (!enabled_) {
        return Ticket{user, 0};
    }
    ++in_flight_[user].count;
    return Ticket{user, generation_};
}

bool LocateCache::must_discard(const Ticket& ticket) {
    if (ticket.generation != generation_) {
        return true;  // not to be kept, or forgotten since by clear(), enable() or disable()
    }
    const auto it = in_flight_.find(ticket.user);
    if (it == in_flight_.end()) {
        return true;
    }
    const bool invalidated = it->second.invalidated;
    if (--it->second.count == 0) {
        in_flight_.erase(it);
    }
    return invalidated;
}

void LocateCache::complete(const Ticket& ticket, const std::optional<SessionRecord>& record,
                           Clock::time_point now, Clock::time_point record_ends) {
    const std::lock_guard lock(mutex_);
    if (must_discard(ticket) || !record || !enabled_) {
        return;
    }
    if (entries_.size() >= capacity_ && !entries_.contains(ticket.user)) {
        evict_one();
    }
    entries_.insert_or_assign(ticket.user, Entry{*record, std::min(now + max_age_, record_ends)});
}

void LocateCache::abandon(const Ticket& ticket) {
    const std::lock_guard lock(mutex_);
    (void)must_discard(ticket);
}

void LocateCache::evict_one() {
    // A random bucket, then the next one that holds anything: the first element of the whole
    // map would be the newest insertion (libstdc++), which would leave old entries for ever.
    const std::size_t buckets = entries_.bucket_count();
    std::size_t bucket = std::uniform_int_distribution<std::size_t>(0, buckets - 1)(random_);
    while (entries_.bucket_size(bucket) == 0) {
        bucket = (bucket + 1) % buckets;
    }
    entries_.erase(entries_.begin(bucket)->first);
}

void LocateCache::invalidate(std::span<const UserId> users) {
    const std::lock_guard lock(mutex_);
    for (const UserId user : users) {
        entries_.erase(user);
        if (const auto it = in_flight_.find(user); it != in_flight_.end()) {
            it->second.invalidated = true;
        }
    }
}

void LocateCache::clear() {
    const std::lock_guard lock(mutex_);
    forget_all();
}

void LocateCache::enable() {
    const std::lock_guard lock(mutex_);
    if (capacity_ == 0) {
        return;
    }
    forget_all();
    enabled_ = true;
}

void LocateCache::disable() {
    const std::lock_guard lock(mutex_);
    forget_all();
    enabled_ = false;
}

bool LocateCache::enabled() const {
    const std::lock_guard lock(mutex_);
    return enabled_;
}

std::size_t LocateCache::size() const {
    const std::lock_guard lock(mutex_);
    return entries_.size();
}

void LocateCache::forget_all() {
    entries_.clear();
    in_flight_.clear();  // tickets of the old generation are discarded when they end
    ++generation_;
}

}  // namespace parley::plugins::redis
