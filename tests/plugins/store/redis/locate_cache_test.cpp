// store-redis's cache of user locations, alone: what it keeps, for how long, and above all what
// it must not keep (a lookup that overlapped a change). Against Redis: store_redis_test.cpp.

#include "locate_cache.hpp"

#include <chrono>
#include <optional>

#include <gtest/gtest.h>

namespace parley::plugins::redis {
namespace {

using namespace std::chrono_literals;

const LocateCache::Clock::time_point kStart{};

SessionRecord at(UserId user, const char* node, std::uint64_t epoch = 1) {
    return SessionRecord{user, node, epoch};
}

/// One lookup of `user` that found `record`, from begin() to complete().
void look_up(LocateCache& cache, UserId user, const std::optional<SessionRecord>& record,
             LocateCache::Clock::time_point now = kStart) {
    const LocateCache::Ticket ticket = cache.begin(user);
    cache.complete(ticket, record, now);
}

TEST(LocateCacheTest, KeepsNothingUntilEnabled) {
    LocateCache cache{100, 10s};
    look_up(cache, 7, at(7, "node-b"));
    EXPECT_FALSE(cache.find(7, kStart));

    cache.enable();
    look_up(cache, 7, at(7, "node-b", 3));
    const auto found = cache.find(7, kStart);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->node_id, "node-b");
    EXPECT_EQ(found->epoch, 3u);
}

TEST(LocateCacheTest, ALookupThatBeganBeforeEnableIsNotKept) {
    // Changes before the reports flowed were never reported: its answer may be stale already.
    LocateCache cache{100, 10s};
    const LocateCache::Ticket early = cache.begin(7);
    cache.enable();
    cache.complete(early, at(7, "node-b"), kStart);
    EXPECT_FALSE(cache.find(7, kStart));
}

TEST(LocateCacheTest, AnInvalidationDropsTheUser) {
    LocateCache cache{100, 10s};
    cache.enable();
    look_up(cache, 7, at(7, "node-b"));
    look_up(cache, 8, at(8, "node-c"));
    cache.invalidate(7);
    EXPECT_FALSE(cache.find(7, kStart));
    EXPECT_TRUE(cache.find(8, kStart));
}

TEST(LocateCacheTest, ALookupOverlappingAnInvalidationIsNotKept) {
    // The reply may have been read before the change and the report have overtaken it.
    LocateCache cache{100, 10s};
    cache.enable();
    const LocateCache::Ticket first = cache.begin(7);
    const LocateCache::Ticket second = cache.begin(7);
    cache.invalidate(7);
    cache.complete(first, at(7, "node-b"), kStart);
    EXPECT_FALSE(cache.find(7, kStart));
    cache.complete(second, at(7, "node-b"), kStart);
    EXPECT_FALSE(cache.find(7, kStart));

    // Another user's change does not matter; a lookup after the change is kept.
    const LocateCache::Ticket other = cache.begin(8);
    cache.invalidate(7);
    cache.complete(other, at(8, "node-c"), kStart);
    EXPECT_TRUE(cache.find(8, kStart));
    look_up(cache, 7, at(7, "node-c"));
    EXPECT_EQ(cache.find(7, kStart)->node_id, "node-c");
}

TEST(LocateCacheTest, ALookupOverlappingAClearOrAnOutageIsNotKept) {
    LocateCache cache{100, 10s};
    cache.enable();
    look_up(cache, 8, at(8, "node-c"));
    const LocateCache::Ticket before_clear = cache.begin(7);
    cache.clear();
    EXPECT_FALSE(cache.find(8, kStart));
    cache.complete(before_clear, at(7, "node-b"), kStart);
    EXPECT_FALSE(cache.find(7, kStart));

    // A lookup from before a clear must not settle one from after it.
    const LocateCache::Ticket old_one = cache.begin(7);
    cache.clear();
    const LocateCache::Ticket new_one = cache.begin(7);
    cache.complete(old_one, at(7, "node-b"), kStart);
    EXPECT_FALSE(cache.find(7, kStart));
    cache.complete(new_one, at(7, "node-c"), kStart);
    EXPECT_EQ(cache.find(7, kStart)->node_id, "node-c");

    // Down and up again before the reply came: reports in between may have been missed.
    const LocateCache::Ticket before_outage = cache.begin(7);
    cache.disable();
    EXPECT_FALSE(cache.enabled());
    cache.enable();
    cache.complete(before_outage, at(7, "node-b"), kStart);
    EXPECT_FALSE(cache.find(7, kStart));
}

TEST(LocateCacheTest, DisableForgetsEverythingAndKeepsNothing) {
    LocateCache cache{100, 10s};
    cache.enable();
    look_up(cache, 7, at(7, "node-b"));
    cache.disable();
    EXPECT_FALSE(cache.find(7, kStart));
    look_up(cache, 7, at(7, "node-b"));
    EXPECT_FALSE(cache.find(7, kStart));
    EXPECT_EQ(cache.size(), 0u);
}

TEST(LocateCacheTest, AFailedOrOfflineLookupKeepsNothing) {
    LocateCache cache{100, 10s};
    cache.enable();
    look_up(cache, 7, std::nullopt);
    EXPECT_FALSE(cache.find(7, kStart));
    const LocateCache::Ticket failed = cache.begin(7);
    cache.abandon(failed);
    EXPECT_EQ(cache.size(), 0u);
    // Nothing left under way: an invalidation now does not spoil a later lookup.
    cache.invalidate(7);
    look_up(cache, 7, at(7, "node-b"));
    EXPECT_TRUE(cache.find(7, kStart));
    {
        const LocateCacheLookup destroyed_while_waiting(cache, 8);  // never completed
    }
    cache.invalidate(8);
    look_up(cache, 8, at(8, "node-b"));
    EXPECT_TRUE(cache.find(8, kStart));
}

TEST(LocateCacheTest, EntriesServeForTheirMaximumAgeOnly) {
    LocateCache cache{100, 10s};
    cache.enable();
    look_up(cache, 7, at(7, "node-b"), kStart);
    EXPECT_TRUE(cache.find(7, kStart + 9999ms));
    EXPECT_FALSE(cache.find(7, kStart + 10s));
    EXPECT_EQ(cache.size(), 0u);
}

TEST(LocateCacheTest, AnEntryEndsWithItsRecord) {
    // Redis reports an expired record only once it has deleted the key, which can lag.
    LocateCache cache{100, 10s};
    cache.enable();
    const LocateCache::Ticket ticket = cache.begin(7);
    cache.complete(ticket, at(7, "node-b"), kStart, kStart + 3s);
    EXPECT_TRUE(cache.find(7, kStart + 2999ms));
    EXPECT_FALSE(cache.find(7, kStart + 3s));
}

TEST(LocateCacheTest, HoldsAtMostItsCapacity) {
    LocateCache cache{3, 10s};
    cache.enable();
    for (UserId user = 1; user <= 10; ++user) {
        look_up(cache, user, at(user, "node-b"));
        EXPECT_LE(cache.size(), 3u);
    }
    EXPECT_TRUE(cache.find(10, kStart));   // the newest is always kept
    look_up(cache, 10, at(10, "node-c"));  // a known user is updated, not added
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_EQ(cache.find(10, kStart)->node_id, "node-c");
}

TEST(LocateCacheTest, AFullCacheMakesRoomAmongAllItsEntries) {
    LocateCache cache{100, 10s};
    cache.enable();
    for (UserId user = 1; user <= 100; ++user) {
        look_up(cache, user, at(user, "node-b"));
    }
    for (UserId user = 1001; user <= 2000; ++user) {
        look_up(cache, user, at(user, "node-c"));
    }
    int first_left = 0;
    for (UserId user = 1; user <= 100; ++user) {
        first_left += cache.find(user, kStart) ? 1 : 0;
    }
    EXPECT_LT(first_left, 50) << "the first users kept their places for ever";
    EXPECT_EQ(cache.size(), 100u);
}

TEST(LocateCacheTest, CapacityZeroIsOff) {
    LocateCache cache{0, 10s};
    EXPECT_FALSE(cache.configured());
    cache.enable();
    EXPECT_FALSE(cache.enabled());
    look_up(cache, 7, at(7, "node-b"));
    EXPECT_FALSE(cache.find(7, kStart));
}

}  // namespace
}  // namespace parley::plugins::redis
