#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <unordered_map>

#include <parley/store.hpp>

namespace parley::plugins::redis {

/// Where users were last found (locate), kept in the node so that messages to the same
/// recipients do not each cost a Redis round trip. Sound only while Redis tells this node of
/// every change to a session record (client tracking, see SessionInvalidations): it keeps
/// nothing until enable() and forgets everything at disable().
///
/// A lookup that was under way when a record changed must not be kept: its reply and the
/// invalidation travel on different connections, in either order. So a lookup takes a ticket
/// before its command goes out, and complete() keeps the answer only if no invalidation of that
/// user, and no clear(), enable() or disable(), came in between.
///
/// Entries end after `max_age` (a bound on staleness should invalidations stop without the
/// connection being seen to fail) or when the record they copy expires, whichever is first.
/// At most `capacity` entries are kept; when full, a random one makes room. Only found users
/// are kept: a user who is offline is asked about every time. Thread safe.
class LocateCache {
  public:
    using Clock = std::chrono::steady_clock;

    /// A lookup under way, from begin() to complete() or abandon(), which its owner must call
    /// exactly once (see Lookup).
    struct Ticket {
        UserId user = kNoUser;
        std::uint64_t generation = 0;  ///< 0: not to be kept
    };

    LocateCache(std::size_t capacity, std::chrono::milliseconds max_age);

    /// False when the cache is configured off (capacity 0): nothing is ever kept.
    bool configured() const noexcept { return capacity_ > 0; }

    /// The user's record if it is known and fresh.
    std::optional<SessionRecord> find(UserId user, Clock::time_point now);
    /// Call before the lookup's command goes out.
    Ticket begin(UserId user);
    /// The lookup's answer: kept if it found the user and nothing invalidated it meanwhile,
    /// until `now + max_age` or `record_ends` (when the record itself expires), whichever is
    /// first. Redis reports an expiry only once it has deleted the key, which can lag.
    void complete(const Ticket& ticket, const std::optional<SessionRecord>& record,
                  Clock::time_point now, Clock::time_point record_ends = Clock::time_point::max());
    /// The lookup failed, or its answer is not to be kept.
    void abandon(const Ticket& ticket);

    /// These users' records changed in Redis.
    void invalidate(std::span<const UserId> users);
    void invalidate(UserId user) { invalidate(std::span<const UserId>(&user, 1)); }
    /// Everything may have changed (the database was flushed).
    void clear();
    /// Invalidations flow from now on: lookups that begin after this may be kept.
    void enable();
    /// Invalidations may be missed from now on: forget everything and keep nothing.
    void disable();

    bool enabled() const;
    std::size_t size() const;

  private:
    struct Entry {
        SessionRecord record;
        Clock::time_point expires;
    };
    struct InFlight {
        std::size_t count = 0;
        bool invalidated = false;
    };

    /// Ends the ticket's lookup; true when its answer must not be kept (invalidated while it
    /// was under way, or taken before the last clear, enable or disable). Lock held.
    bool must_discard(const Ticket& ticket);
    /// Drops a random entry. Lock held; not empty.
    void evict_one();
    void forget_all();  ///< lock held

    const std::size_t capacity_;
    const std::chrono::milliseconds max_age_;
    mutable std::mutex mutex_;
    bool enabled_ = false;
    std::uint64_t generation_ = 1;  ///< bumped by enable, disable and clear
    std::unordered_map<UserId, Entry> entries_;
    std::unordered_map<UserId, InFlight> in_flight_;
    std::minstd_rand random_;
};

/// One lookup's ticket, abandoned unless completed: a lookup whose coroutine is destroyed
/// while it waits (its loop stopped) leaves nothing under way behind.
class LocateCacheLookup {
  public:
    LocateCacheLookup(LocateCache& cache, UserId user)
        : cache_(cache), ticket_(cache.begin(user)) {}
    ~LocateCacheLookup() {
        if (!done_) {
            cache_.abandon(ticket_);
        }
    }
    LocateCacheLookup(const LocateCacheLookup&) = delete;
    LocateCacheLookup& operator=(const LocateCacheLookup&) = delete;

    void complete(const std::optional<SessionRecord>& record, LocateCache::Clock::time_point now,
                  LocateCache::Clock::time_point record_ends) {
        done_ = true;
        cache_.complete(ticket_, record, now, record_ends);
    }

  private:
    LocateCache& cache_;
    LocateCache::Ticket ticket_;
    bool done_ = false;
};

}  // namespace parley::plugins::redis
