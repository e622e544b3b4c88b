// store-memory, loaded as parleyd loads it.

#include <atomic>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/config_node.hpp>
#include <parley/store.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"

namespace parley::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class MemoryStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        host.load("store", "memory");
        ASSERT_NE(host.store, nullptr);
        store = host.store.get();
    }

    ClaimResult claim(UserId user, std::uint64_t epoch, DuplicateLoginPolicy policy) {
        return run_awaitable(store->claim(SessionRecord{user, "node-a", epoch}, policy));
    }

    void log_in(std::initializer_list<UserId> users) {
        for (const UserId user : users) {
            ASSERT_TRUE(claim(user, user * 10, DuplicateLoginPolicy::reject).granted);
        }
    }

    PluginTestHost host;
    Store* store = nullptr;
};

TEST_F(MemoryStoreTest, RefusesSettings) {
    PluginTestHost other;
    try {
        other.load("store", "memory", "capacity: 10\n");
        FAIL() << "loaded with an unknown key";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("unknown key 'capacity'"));
        EXPECT_THAT(e.what(), HasSubstr("test.yaml:1:"));
    }
}

TEST_F(MemoryStoreTest, ClaimOfAFreeUserIsGranted) {
    const ClaimResult result = claim(7, 1, DuplicateLoginPolicy::reject);
    EXPECT_TRUE(result.granted);
    EXPECT_FALSE(result.other.has_value());

    const auto where = run_awaitable(store->locate(7));
    ASSERT_TRUE(where.has_value());
    EXPECT_EQ(where->user, 7u);
    EXPECT_EQ(where->node_id, "node-a");
    EXPECT_EQ(where->epoch, 1u);
    EXPECT_FALSE(run_awaitable(store->locate(8)).has_value());
}

TEST_F(MemoryStoreTest, RejectPolicyNamesTheHolder) {
    ASSERT_TRUE(claim(7, 1, DuplicateLoginPolicy::reject).granted);
    const ClaimResult second = claim(7, 2, DuplicateLoginPolicy::reject);
    EXPECT_FALSE(second.granted);
    ASSERT_TRUE(second.other.has_value());
    EXPECT_EQ(second.other->epoch, 1u);
    EXPECT_EQ(run_awaitable(store->locate(7))->epoch, 1u);
}

TEST_F(MemoryStoreTest, KickPolicyDisplacesTheHolder) {
    ASSERT_TRUE(claim(7, 1, DuplicateLoginPolicy::kick_old).granted);
    const ClaimResult second = claim(7, 2, DuplicateLoginPolicy::kick_old);
    EXPECT_TRUE(second.granted);
    ASSERT_TRUE(second.other.has_value());
    EXPECT_EQ(second.other->epoch, 1u);
    EXPECT_EQ(second.other->node_id, "node-a");
    EXPECT_EQ(run_awaitable(store->locate(7))->epoch, 2u);
}

TEST_F(MemoryStoreTest, ReclaimBySameSessionIsGrantedWithoutOther) {
    ASSERT_TRUE(claim(7, 1, DuplicateLoginPolicy::reject).granted);
    const ClaimResult again = claim(7, 1, DuplicateLoginPolicy::reject);
    EXPECT_TRUE(again.granted);
    EXPECT_FALSE(again.other.has_value());
}

TEST_F(MemoryStoreTest, ReleaseNeedsTheCurrentEpoch) {
    ASSERT_TRUE(claim(7, 1, DuplicateLoginPolicy::kick_old).granted);
    ASSERT_TRUE(claim(7, 2, DuplicateLoginPolicy::kick_old).granted);

    // The displaced session closing late must not log the new one out.
    run_awaitable(store->release(7, 1));
    ASSERT_TRUE(run_awaitable(store->locate(7)).has_value());

    run_awaitable(store->release(7, 2));
    EXPECT_FALSE(run_awaitable(store->locate(7)).has_value());
    EXPECT_TRUE(claim(7, 3, DuplicateLoginPolicy::reject).granted);
}

TEST_F(MemoryStoreTest, OnlinePagesByUserId) {
    log_in({5, 1, 9, 3, 7});

    const OnlinePage first = run_awaitable(store->online(0, 2));
    EXPECT_THAT(first.users, ElementsAre(1, 3));
    EXPECT_EQ(first.next_cursor, 5u);
    EXPECT_EQ(first.total, 5u);

    const OnlinePage second = run_awaitable(store->online(first.next_cursor, 2));
    EXPECT_THAT(second.users, ElementsAre(5, 7));
    EXPECT_EQ(second.next_cursor, 9u);

    const OnlinePage last = run_awaitable(store->online(second.next_cursor, 2));
    EXPECT_THAT(last.users, ElementsAre(9));
    EXPECT_EQ(last.next_cursor, 0u);
    EXPECT_EQ(last.total, 5u);
}

TEST_F(MemoryStoreTest, OnlineCursorIsAnIdNotAPosition) {
    log_in({2, 4, 6});
    EXPECT_THAT(run_awaitable(store->online(3, 10)).users, ElementsAre(4, 6));
    // A user logging out between pages shifts nothing.
    const OnlinePage first = run_awaitable(store->online(0, 1));
    run_awaitable(store->release(2, 20));
    const OnlinePage second = run_awaitable(store->online(first.next_cursor, 1));
    EXPECT_THAT(second.users, ElementsAre(4));
    EXPECT_EQ(second.total, 2u);
}

TEST_F(MemoryStoreTest, OnlineEdgeCases) {
    const OnlinePage empty = run_awaitable(store->online(0, 10));
    EXPECT_THAT(empty.users, IsEmpty());
    EXPECT_EQ(empty.next_cursor, 0u);
    EXPECT_EQ(empty.total, 0u);

    log_in({1, 2});
    // Exactly a page: no further page.
    EXPECT_EQ(run_awaitable(store->online(0, 2)).next_cursor, 0u);
    // Past the last id, and past any user id at all.
    EXPECT_THAT(run_awaitable(store->online(3, 10)).users, IsEmpty());
    const OnlinePage beyond = run_awaitable(store->online(std::uint64_t{1} << 40, 10));
    EXPECT_THAT(beyond.users, IsEmpty());
    EXPECT_EQ(beyond.total, 2u);
}

TEST_F(MemoryStoreTest, OnlineLimitZeroMeansOneHundred) {
    for (UserId user = 1; user <= 150; ++user) {
        ASSERT_TRUE(claim(user, user, DuplicateLoginPolicy::reject).granted);
    }
    const OnlinePage page = run_awaitable(store->online(0, 0));
    EXPECT_EQ(page.users.size(), 100u);
    EXPECT_EQ(page.next_cursor, 101u);
    EXPECT_EQ(page.total, 150u);
}

TEST_F(MemoryStoreTest, GroupMembership) {
    EXPECT_FALSE(run_awaitable(store->is_member(10, 1)));
    run_awaitable(store->join_group(10, 3));
    run_awaitable(store->join_group(10, 1));
    run_awaitable(store->join_group(10, 1));  // joining twice is harmless
    run_awaitable(store->join_group(11, 2));

    EXPECT_TRUE(run_awaitable(store->is_member(10, 1)));
    EXPECT_FALSE(run_awaitable(store->is_member(10, 2)));
    EXPECT_THAT(run_awaitable(store->group_members(10)), ElementsAre(1, 3));
    EXPECT_THAT(run_awaitable(store->group_members(12)), IsEmpty());

    EXPECT_TRUE(run_awaitable(store->leave_group(10, 1)));
    EXPECT_FALSE(run_awaitable(store->leave_group(10, 1)));
    EXPECT_FALSE(run_awaitable(store->leave_group(99, 1)));
    EXPECT_THAT(run_awaitable(store->group_members(10)), ElementsAre(3));
}

TEST_F(MemoryStoreTest, MembershipOutlivesSessions) {
    ASSERT_TRUE(claim(4, 1, DuplicateLoginPolicy::reject).granted);
    run_awaitable(store->join_group(10, 4));
    run_awaitable(store->release(4, 1));
    EXPECT_TRUE(run_awaitable(store->is_member(10, 4)));
}

TEST_F(MemoryStoreTest, ConcurrentClaimsGrantOneLogin) {
    constexpr int kThreads = 8;
    constexpr UserId kUsers = 200;
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (UserId user = 1; user <= kUsers; ++user) {
                const auto epoch = static_cast<std::uint64_t>(t + 1);
                if (claim(user, epoch, DuplicateLoginPolicy::reject).granted) {
                    ++granted;
                }
                run_awaitable(store->join_group(user % 7 + 1, user));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(granted.load(), static_cast<int>(kUsers));
    EXPECT_EQ(run_awaitable(store->online(0, 1)).total, kUsers);
    std::size_t members = 0;
    for (GroupId group = 1; group <= 7; ++group) {
        members += run_awaitable(store->group_members(group)).size();
    }
    EXPECT_EQ(members, kUsers);
}

}  // namespace
}  // namespace parley::test
