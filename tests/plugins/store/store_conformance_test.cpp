// What every Store backend must do, run against each bundled one as parleyd loads it:
// store-memory (in memory only and with a groups file), and store-redis against a real redis-server
// (support/redis_server.hpp). Backend-specific behaviour (outages, TTLs, several nodes) is tested
// beside each backend.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/store.hpp>

#include "plugins/backend_names.hpp"
#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"
#include "plugins/store/redis/redis_node.hpp"
#include "plugins/unique_name.hpp"
#include "support/redis_server.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kNodeId = "node-a";

struct MemoryBackend {
    static constexpr const char* kName = "memory";
    MemoryBackend() {
        host.node = kNodeId;
        host.load("store", "memory");
    }
    Store& store() { return *host.store; }

    PluginTestHost host;
};

/// store-memory keeping its groups in a file: joins and leaves go through the writer thread.
struct MemoryGroupsFileBackend {
    static constexpr const char* kName = "memory_groups_file";
    MemoryGroupsFileBackend() {
        host.node = kNodeId;
        host.load("store", "memory", "groups_path: \"" + dir.file("groups.db").string() + "\"\n");
    }
    Store& store() { return *host.store; }

    TempDir dir{"store-conformance"};
    PluginTestHost host;
};

/// Each test under its own key prefix of the shared Redis.
struct RedisBackend {
    static constexpr const char* kName = "redis";
    Store& store() { return *node.store; }

    RedisNode node{kNodeId, redis_settings(shared_redis(), unique_prefix(':'))};
};

template <typename Backend>
class StoreConformanceTest : public ::testing::Test {
  protected:
    Store& store() { return backend_.store(); }

    ClaimResult claim(UserId user, std::uint64_t epoch,
                      DuplicateLoginPolicy policy = DuplicateLoginPolicy::reject) {
        SessionRecord record{user, kNodeId, epoch};
        return run_awaitable(store().claim(std::move(record), policy));
    }
    void release(UserId user, std::uint64_t epoch) { run_awaitable(store().release(user, epoch)); }
    std::optional<SessionRecord> locate(UserId user) { return run_awaitable(store().locate(user)); }
    OnlinePage online(std::uint64_t cursor, std::uint32_t limit) {
        return run_awaitable(store().online(cursor, limit));
    }
    void log_in(std::initializer_list<UserId> users) {
        for (const UserId user : users) {
            ASSERT_TRUE(claim(user, user * 10).granted);
        }
    }
    void join(GroupId group, UserId user) { run_awaitable(store().join_group(group, user)); }
    bool leave(GroupId group, UserId user) {
        return run_awaitable(store().leave_group(group, user));
    }
    bool is_member(GroupId group, UserId user) {
        return run_awaitable(store().is_member(group, user));
    }
    std::vector<UserId> members(GroupId group) {
        return run_awaitable(store().group_members(group));
    }

  private:
    Backend backend_;
};

using Backends = ::testing::Types<MemoryBackend, MemoryGroupsFileBackend, RedisBackend>;
TYPED_TEST_SUITE(StoreConformanceTest, Backends, BackendNames);

TYPED_TEST(StoreConformanceTest, ClaimOfAFreeUserIsGrantedAndLocated) {
    const ClaimResult result = this->claim(7, 1);
    EXPECT_TRUE(result.granted);
    EXPECT_FALSE(result.other.has_value());

    const auto where = this->locate(7);
    ASSERT_TRUE(where.has_value());
    EXPECT_EQ(where->user, 7u);
    EXPECT_EQ(where->node_id, kNodeId);
    EXPECT_EQ(where->epoch, 1u);
    EXPECT_FALSE(this->locate(8).has_value());
}

TYPED_TEST(StoreConformanceTest, RejectPolicyRefusesAndNamesTheHolder) {
    ASSERT_TRUE(this->claim(7, 1).granted);
    const ClaimResult second = this->claim(7, 2, DuplicateLoginPolicy::reject);
    EXPECT_FALSE(second.granted);
    ASSERT_TRUE(second.other.has_value());
    EXPECT_EQ(second.other->user, 7u);
    EXPECT_EQ(second.other->node_id, kNodeId);
    EXPECT_EQ(second.other->epoch, 1u);
    EXPECT_EQ(this->locate(7)->epoch, 1u);
}

// A client replacing its own previous session (epoch 1) must not displace a newer login
// (epoch 2) that got in first: the take-over is refused and names the newer holder.
TYPED_TEST(StoreConformanceTest, TakeOverReplacesOnlyTheNamedSession) {
    ASSERT_TRUE(this->claim(7, 1).granted);
    const SessionRecord first{7, kNodeId, 1};
    SessionRecord second{7, kNodeId, 2};
    const ClaimResult took = run_awaitable(this->store().take_over(second, first));
    EXPECT_TRUE(took.granted);
    ASSERT_TRUE(took.other.has_value());
    EXPECT_EQ(took.other->epoch, 1u);
    EXPECT_EQ(this->locate(7)->epoch, 2u);

    // A late take-over from the same first session: the newer one stays.
    SessionRecord late{7, kNodeId, 3};
    const ClaimResult stale = run_awaitable(this->store().take_over(late, first));
    EXPECT_FALSE(stale.granted);
    ASSERT_TRUE(stale.other.has_value());
    EXPECT_EQ(stale.other->epoch, 2u);
    EXPECT_EQ(this->locate(7)->epoch, 2u);

    // Nobody holding the user: granted, nobody displaced.
    this->release(7, 2);
    SessionRecord fresh{7, kNodeId, 4};
    const ClaimResult free = run_awaitable(this->store().take_over(fresh, first));
    EXPECT_TRUE(free.granted);
    EXPECT_FALSE(free.other.has_value());
    EXPECT_EQ(this->locate(7)->epoch, 4u);
}

TYPED_TEST(StoreConformanceTest, KickPolicyGrantsAndNamesTheDisplacedSession) {
    ASSERT_TRUE(this->claim(7, 1, DuplicateLoginPolicy::kick_old).granted);
    const ClaimResult second = this->claim(7, 2, DuplicateLoginPolicy::kick_old);
    EXPECT_TRUE(second.granted);
    ASSERT_TRUE(second.other.has_value());
    EXPECT_EQ(second.other->epoch, 1u);
    EXPECT_EQ(second.other->node_id, kNodeId);
    EXPECT_EQ(this->locate(7)->epoch, 2u);
}

TYPED_TEST(StoreConformanceTest, ReclaimBySameSessionIsGrantedWithoutOther) {
    ASSERT_TRUE(this->claim(7, 1).granted);
    const ClaimResult again = this->claim(7, 1);
    EXPECT_TRUE(again.granted);
    EXPECT_FALSE(again.other.has_value());
}

TYPED_TEST(StoreConformanceTest, ReleaseNeedsTheCurrentEpoch) {
    ASSERT_TRUE(this->claim(7, 1, DuplicateLoginPolicy::kick_old).granted);
    ASSERT_TRUE(this->claim(7, 2, DuplicateLoginPolicy::kick_old).granted);

    // The displaced session closing late must not log the new one out.
    this->release(7, 1);
    ASSERT_TRUE(this->locate(7).has_value());
    EXPECT_EQ(this->locate(7)->epoch, 2u);
    EXPECT_EQ(this->online(0, 10).total, 1u);

    this->release(7, 2);
    EXPECT_FALSE(this->locate(7).has_value());
    EXPECT_EQ(this->online(0, 10).total, 0u);
    EXPECT_TRUE(this->claim(7, 3).granted);
}

TYPED_TEST(StoreConformanceTest, EpochsKeepAllSixtyFourBits) {
    const std::uint64_t epoch = 0xFEDC'BA98'7654'3210;
    ASSERT_TRUE(this->claim(9, epoch).granted);
    EXPECT_EQ(this->locate(9)->epoch, epoch);
    EXPECT_EQ(this->claim(9, 1).other->epoch, epoch);
}

TYPED_TEST(StoreConformanceTest, OnlinePagesByUserId) {
    this->log_in({5, 1, 9, 3, 7});

    const OnlinePage first = this->online(0, 2);
    EXPECT_THAT(first.users, ElementsAre(1, 3));
    EXPECT_EQ(first.next_cursor, 5u);
    EXPECT_EQ(first.total, 5u);

    const OnlinePage second = this->online(first.next_cursor, 2);
    EXPECT_THAT(second.users, ElementsAre(5, 7));
    EXPECT_EQ(second.next_cursor, 9u);

    const OnlinePage last = this->online(second.next_cursor, 2);
    EXPECT_THAT(last.users, ElementsAre(9));
    EXPECT_EQ(last.next_cursor, 0u);
    EXPECT_EQ(last.total, 5u);
}

TYPED_TEST(StoreConformanceTest, OnlineCursorIsAnIdNotAPosition) {
    this->log_in({2, 4, 6});
    EXPECT_THAT(this->online(3, 10).users, ElementsAre(4, 6));
    // A user logging out between pages shifts nothing.
    const OnlinePage first = this->online(0, 1);
    this->release(2, 20);
    const OnlinePage second = this->online(first.next_cursor, 1);
    EXPECT_THAT(second.users, ElementsAre(4));
    EXPECT_EQ(second.total, 2u);
}

TYPED_TEST(StoreConformanceTest, OnlineEdgeCases) {
    const OnlinePage empty = this->online(0, 10);
    EXPECT_THAT(empty.users, IsEmpty());
    EXPECT_EQ(empty.next_cursor, 0u);
    EXPECT_EQ(empty.total, 0u);

    this->log_in({1, 2});
    EXPECT_EQ(this->online(0, 2).next_cursor, 0u) << "exactly a page: no further page";
    EXPECT_THAT(this->online(3, 10).users, IsEmpty());
    const OnlinePage beyond = this->online(std::uint64_t{1} << 40, 10);
    EXPECT_THAT(beyond.users, IsEmpty());
    EXPECT_EQ(beyond.total, 2u);
}

TYPED_TEST(StoreConformanceTest, OnlineLimitZeroMeansOneHundred) {
    for (UserId user = 1; user <= 150; ++user) {
        ASSERT_TRUE(this->claim(user, user).granted);
    }
    const OnlinePage page = this->online(0, 0);
    EXPECT_EQ(page.users.size(), 100u);
    EXPECT_EQ(page.next_cursor, 101u);
    EXPECT_EQ(page.total, 150u);
}

TYPED_TEST(StoreConformanceTest, GroupJoinLeaveAndMembers) {
    EXPECT_FALSE(this->is_member(10, 1));
    this->join(10, 3);
    this->join(10, 1);
    this->join(10, 1);  // joining twice is harmless
    this->join(10, 20);
    this->join(11, 2);

    EXPECT_TRUE(this->is_member(10, 1));
    EXPECT_FALSE(this->is_member(10, 2));
    EXPECT_THAT(this->members(10), ElementsAre(1, 3, 20)) << "members in id order";
    EXPECT_THAT(this->members(12), IsEmpty());

    EXPECT_TRUE(this->leave(10, 1));
    EXPECT_FALSE(this->leave(10, 1)) << "not a member any more";
    EXPECT_FALSE(this->leave(99, 1));
    EXPECT_THAT(this->members(10), ElementsAre(3, 20));
}

TYPED_TEST(StoreConformanceTest, MembershipOutlivesSessions) {
    ASSERT_TRUE(this->claim(4, 1).granted);
    this->join(10, 4);
    this->release(4, 1);
    EXPECT_TRUE(this->is_member(10, 4));
}

TYPED_TEST(StoreConformanceTest, ConcurrentClaimsGrantOneLoginPerUser) {
    constexpr int kThreads = 4;
    constexpr UserId kUsers = 60;
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (UserId user = 1; user <= kUsers; ++user) {
                if (this->claim(user, static_cast<std::uint64_t>(t + 1)).granted) {
                    ++granted;
                }
                this->join(user % 7 + 1, user);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(granted.load(), static_cast<int>(kUsers));
    EXPECT_EQ(this->online(0, 1).total, kUsers);
    std::size_t members = 0;
    for (GroupId group = 1; group <= 7; ++group) {
        members += this->members(group).size();
    }
    EXPECT_EQ(members, kUsers);
}

TYPED_TEST(StoreConformanceTest, GroupNodesNameEachNodeHoldingAMemberOnce) {
    // Members 1 and 2 on node-a, 3 on node-b, 4 offline; 5 is online on node-c but no member.
    const auto on = [this](UserId user, const char* node) {
        SessionRecord record{user, node, user};
        ASSERT_TRUE(
            run_awaitable(this->store().claim(std::move(record), DuplicateLoginPolicy::reject))
                .granted);
    };
    on(1, "node-a");
    on(2, "node-a");
    on(3, "node-b");
    on(5, "node-c");
    for (const UserId member : {1u, 2u, 3u, 4u}) {
        this->join(42, member);
    }
    const auto nodes_of = [this](GroupId group) {
        std::vector<std::string> nodes = run_awaitable(this->store().group_nodes(group, 1000))
                                             .value_or(std::vector<std::string>{"(none)"});
        std::sort(nodes.begin(), nodes.end());
        return nodes;
    };
    EXPECT_THAT(nodes_of(42), ElementsAre("node-a", "node-b"));
    EXPECT_THAT(nodes_of(43), IsEmpty()) << "a group nobody joined";
    EXPECT_FALSE(run_awaitable(this->store().group_nodes(42, 3)).has_value())
        << "four members are more than three";
    EXPECT_TRUE(run_awaitable(this->store().group_nodes(42, 4)).has_value());

    // Interest follows sessions: the last member on node-b leaves, then logs out; a member logs
    // in on node-c.
    this->release(3, 3);
    EXPECT_THAT(nodes_of(42), ElementsAre("node-a"));
    on(4, "node-c");
    EXPECT_THAT(nodes_of(42), ElementsAre("node-a", "node-c"));
    EXPECT_TRUE(this->leave(42, 4));
    EXPECT_THAT(nodes_of(42), ElementsAre("node-a"));
}

}  // namespace
}  // namespace parley::test
