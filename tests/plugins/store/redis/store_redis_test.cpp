// store-redis, loaded as parleyd loads it, against real redis-server processes: what is
// particular to Redis (settings, several nodes, TTLs, outages). What every store must do is in
// store_conformance_test.cpp. Tests that only need a working Redis share one (shared_redis(),
// each test under its own key prefix); tests that stop, pause or restart Redis start their own.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <parley/config_node.hpp>
#include <parley/error.hpp>
#include <parley/metrics.hpp>
#include <parley/store.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"
#include "plugins/store/redis/redis_node.hpp"
#include "plugins/unique_name.hpp"
#include "support/child_process.hpp"
#include "support/redis_server.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

/// Waits until `condition` holds (true) or `timeout` passes (false).
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!condition()) {
        if (Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

/// Runs `call`, expecting parley::Error 2000; returns it and how long the call took.
struct Failure {
    std::string message;
    std::chrono::milliseconds took{};
};
Failure expect_unavailable(const std::function<void()>& call) {
    const auto start = Clock::now();
    try {
        call();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable) << e.what();
        return {e.what(),
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)};
    }
    ADD_FAILURE() << "the call succeeded";
    return {};
}

std::vector<UserId> all_pages(RedisNode& node, std::uint32_t limit, std::uint64_t* total) {
    std::vector<UserId> users;
    std::uint64_t cursor = 0;
    do {
        const OnlinePage page = node.online(cursor, limit);
        EXPECT_LE(page.users.size(), limit);
        users.insert(users.end(), page.users.begin(), page.users.end());
        *total = page.total;
        cursor = page.next_cursor;
    } while (cursor != 0);
    return users;
}

std::string load_error(const std::string& yaml) {
    PluginTestHost host;
    try {
        host.load("store", "redis", yaml);
    } catch (const ConfigError& e) {
        return e.what();
    }
    ADD_FAILURE() << "loaded with settings:\n" << yaml;
    return {};
}

/// What redis-cli printed for `args`, against the server on `port`.
std::string redis_cli(std::uint16_t port, std::vector<std::string> args) {
    args.insert(args.begin(), {"-p", std::to_string(port)});
    const ToolRun run = run_tool("/usr/bin/redis-cli", args);
    EXPECT_EQ(run.status, 0) << run.output;
    return run.output;
}

/// PTTL of the session records of users 1..`users` (prefix "t:"), in milliseconds.
std::vector<long> session_deadlines_left(std::uint16_t port, int users) {
    const std::string pttl_of_each =
        "local t = {} for user = 1, tonumber(ARGV[1]) do "
        "t[user] = redis.call('PTTL', KEYS[1] .. user) end return t";
    const std::string pttls =
        redis_cli(port, {"EVAL", pttl_of_each, "1", "t:session:", std::to_string(users)});
    std::vector<long> left;
    std::istringstream lines(pttls);
    for (long pttl = 0; lines >> pttl;) {
        left.push_back(pttl);
    }
    EXPECT_EQ(left.size(), static_cast<std::size_t>(users)) << pttls;
    return left;
}

/// How many lookups (HMGET) the server on `port` has answered.
std::uint64_t lookups_answered(std::uint16_t port) {
    const std::string stats = redis_cli(port, {"INFO", "commandstats"});
    const std::string field = "cmdstat_hmget:calls=";
    const auto at = stats.find(field);
    return at == std::string::npos ? 0 : std::stoull(stats.substr(at + field.size()));
}

/// parley_store_locate_cache_total{result="hit"}: lookups the process's stores answered
/// themselves.
std::uint64_t cache_hits() {
    return metrics::registry()
        .counter("parley_store_locate_cache_total", "", {{"result", "hit"}})
        .value();
}

/// Locates `user` until the answer comes from the node's cache: the cache serves once the
/// node's subscription to Redis's reports is in place, a moment after start.
bool served_from_cache(RedisNode& node, UserId user) {
    return eventually(
        [&] {
            const std::uint64_t before = cache_hits();
            node.locate(user);
            return cache_hits() > before;
        },
        5s);
}

TEST(RedisStoreSettingsTest, RefusesAnUnknownKey) {
    const std::string error = load_error("adress: \"127.0.0.1:6379\"\n");
    EXPECT_THAT(error, HasSubstr("unknown key 'adress'"));
    EXPECT_THAT(error, HasSubstr("did you mean 'address'?"));
    EXPECT_THAT(error, HasSubstr("test.yaml:1:"));
}

TEST(RedisStoreSettingsTest, RefusesABadAddress) {
    const std::string error = load_error("address: \"redis.local\"\n");
    EXPECT_THAT(error, HasSubstr("address"));
    EXPECT_THAT(error, HasSubstr("'redis.local'"));
    EXPECT_THAT(error, HasSubstr("host:port"));
}

TEST(RedisStoreSettingsTest, RefusesBadValuesNamingTheSetting) {
    EXPECT_THAT(load_error("pool_size: 0\n"), HasSubstr("pool_size: value 0 is out of range"));
    EXPECT_THAT(load_error("session_ttl: 100ms\n"),
                HasSubstr("session_ttl must be at least 1000 ms, not 100 ms"));
    EXPECT_THAT(load_error("command_timeout: soon\n"),
                HasSubstr("command_timeout: expected a duration"));
    EXPECT_THAT(load_error("database: -1\n"), HasSubstr("database: value -1"));
    EXPECT_THAT(load_error("locate_cache_size: -1\n"),
                HasSubstr("locate_cache_size: value -1 is out of range"));
    EXPECT_THAT(load_error("locate_cache_ttl: soon\n"),
                HasSubstr("locate_cache_ttl: expected a duration"));
}

class RedisStoreTest : public ::testing::Test {
  protected:
    std::string prefix = unique_prefix(':');
    RedisNode node{"node-a", redis_settings(shared_redis(), prefix)};
};

TEST_F(RedisStoreTest, OnlineListsEveryNodesUsersOverManyPages) {
    RedisNode other{"node-b", redis_settings(shared_redis(), prefix)};
    std::vector<UserId> expected;
    for (UserId user = 1; user <= 250; ++user) {
        RedisNode& holder = user % 2 == 0 ? node : other;
        ASSERT_TRUE(holder.claim(user, 1000 + user).granted);
        expected.push_back(user);
    }
    std::uint64_t total = 0;
    EXPECT_EQ(all_pages(node, 40, &total), expected);
    EXPECT_EQ(total, 250u);
    EXPECT_EQ(all_pages(other, 100, &total), expected);

    const OnlinePage default_page = node.online(0, 0);  // 0 means 100
    EXPECT_EQ(default_page.users.size(), 100u);
    EXPECT_EQ(default_page.next_cursor, 101u);
    EXPECT_EQ(default_page.total, 250u);
}

TEST_F(RedisStoreTest, DuplicateLoginAcrossNodes) {
    RedisNode other{"node-b", redis_settings(shared_redis(), prefix)};
    ASSERT_TRUE(node.claim(5, 11).granted);

    // reject: the second node is refused and told who holds the user.
    const ClaimResult refused = other.claim(5, 22, DuplicateLoginPolicy::reject);
    EXPECT_FALSE(refused.granted);
    ASSERT_TRUE(refused.other.has_value());
    EXPECT_EQ(refused.other->node_id, "node-a");
    EXPECT_EQ(refused.other->epoch, 11u);

    // kick_old: the second node wins and learns which session, on which node, to kick.
    const ClaimResult kicked = other.claim(5, 23, DuplicateLoginPolicy::kick_old);
    EXPECT_TRUE(kicked.granted);
    ASSERT_TRUE(kicked.other.has_value());
    EXPECT_EQ(kicked.other->node_id, "node-a");
    EXPECT_EQ(kicked.other->epoch, 11u);

    const auto where = node.locate(5);
    ASSERT_TRUE(where.has_value());
    EXPECT_EQ(where->node_id, "node-b");
    EXPECT_EQ(where->epoch, 23u);

    // The kicked session's late release leaves the new one alone.
    node.release(5, 11);
    EXPECT_EQ(other.locate(5)->node_id, "node-b");
}

TEST_F(RedisStoreTest, GroupMembershipIsSharedByEveryNode) {
    run_awaitable(node.store->join_group(10, 3));
    ASSERT_TRUE(node.claim(3, 1).granted);
    node.release(3, 1);
    RedisNode other{"node-b", redis_settings(shared_redis(), prefix)};
    EXPECT_TRUE(run_awaitable(other.store->is_member(10, 3)));
    EXPECT_THAT(run_awaitable(other.store->group_members(10)), ElementsAre(3));
    EXPECT_TRUE(run_awaitable(other.store->leave_group(10, 3)));
    EXPECT_FALSE(run_awaitable(node.store->is_member(10, 3)));
}
TEST_F(RedisStoreTest, UsersOfADeadNodeExpireWithinTheTtl) {
    const std::string short_ttl = "session_ttl: 1s\n";
    RedisNode survivor{"node-b", redis_settings(shared_redis(), prefix, short_ttl)};
    auto dying =
        std::make_unique<RedisNode>("node-c", redis_settings(shared_redis(), prefix, short_ttl));
    for (const UserId user : {1, 2, 3}) {
        ASSERT_TRUE(dying->claim(user, user).granted);
    }
    ASSERT_TRUE(survivor.claim(10, 10).granted);
    ASSERT_EQ(survivor.online(0, 10).total, 4u);

    // The node dies without releasing anything; nobody refreshes its records any more.
    const auto died = Clock::now();
    dying.reset();
    ASSERT_TRUE(eventually([&] { return !survivor.locate(1).has_value(); }, 3s))
        << "a dead node's user is still located after 3 s with a 1 s TTL";
    EXPECT_LE(Clock::now() - died, 2500ms);
    EXPECT_FALSE(survivor.locate(2).has_value());
    EXPECT_FALSE(survivor.locate(3).has_value());

    const OnlinePage page = survivor.online(0, 10);
    EXPECT_THAT(page.users, ElementsAre(10));
    EXPECT_EQ(page.total, 1u);
    // The user is free again: a claim elsewhere is granted with nobody to displace.
    const ClaimResult again = survivor.claim(2, 99, DuplicateLoginPolicy::reject);
    EXPECT_TRUE(again.granted);
    EXPECT_FALSE(again.other.has_value());
}

TEST_F(RedisStoreTest, RefreshKeepsRecordsAliveWellPastTheTtl) {
    RedisNode live{"node-b", redis_settings(shared_redis(), prefix, "session_ttl: 1s\n")};
    ASSERT_TRUE(live.claim(1, 1).granted);
    ASSERT_TRUE(live.claim(2, 2).granted);
    live.release(2, 2);  // released: no longer refreshed, and gone at once

    std::this_thread::sleep_for(3500ms);
    const auto where = node.locate(1);
    ASSERT_TRUE(where.has_value()) << "the record expired although its node refreshes it";
    EXPECT_EQ(where->node_id, "node-b");
    EXPECT_FALSE(node.locate(2).has_value());
    EXPECT_THAT(node.online(0, 10).users, ElementsAre(1));
}

/// One node with a 3 s TTL (rounds of 1 s, in slices 100 ms apart) holding kUsers users,
/// claimed together, on a server of its own.
class RedisStoreRefreshTest : public ::testing::Test {
  protected:
    static constexpr int kUsers = 50;

    void SetUp() override {
        for (UserId user = 1; user <= kUsers; ++user) {
            ASSERT_TRUE(node.claim(user, user).granted);
        }
    }
    std::vector<long> deadlines_left() { return session_deadlines_left(server.port(), kUsers); }

    RedisServer server;
    RedisNode node{"node-a", redis_settings(server.endpoint(), "t:", "session_ttl: 3s\n")};
};

TEST_F(RedisStoreRefreshTest, ARoundOfRefreshesIsSpreadOverItsThirdOfTheTtl) {
    // Each refresh is a change other nodes' caches hear of and forget the user by: a round
    // sent at one instant would have them look up the node's whole population at that instant.
    // After 2.5 s each record was refreshed within the last round, in its own slice.
    std::this_thread::sleep_for(2500ms);
    const std::vector<long> left = deadlines_left();
    ASSERT_EQ(left.size(), std::size_t{kUsers});
    const auto [soonest, latest] = std::minmax_element(left.begin(), left.end());
    // Refreshed within the last round: at least 3 s - 1 s left, less the timers' slack; not
    // refreshed since the claims: 0.5 s.
    EXPECT_GE(*soonest, 1700) << "a record was not refreshed in the last round";
    EXPECT_GE(*latest - *soonest, 500)
        << "the records' deadlines are " << *latest - *soonest
        << " ms apart: the round was sent at once rather than over its second";
    EXPECT_LE(*latest - *soonest, 1200) << "the slices of a round spread over more than a round";
}

TEST_F(RedisStoreRefreshTest, AfterAFailedRefreshTheNextTickRefreshesEveryRecord) {
    // For 1.5 s every refresh script fails, with the connection up: the online set is made a
    // string, which its ZADD refuses (WRONGTYPE), after the first record of each script.
    std::this_thread::sleep_for(1000ms);
    redis_cli(server.port(), {"RENAME", "t:online", "t:online-aside"});
    redis_cli(server.port(), {"SET", "t:online", "not a sorted set"});
    std::this_thread::sleep_for(1500ms);
    redis_cli(server.port(), {"DEL", "t:online"});
    redis_cli(server.port(), {"RENAME", "t:online-aside", "t:online"});
    std::this_thread::sleep_for(300ms);
    // The first tick after the writes came back refreshed every record: about 2.7 s left each.
    // Left to their slices, the first half of the round would have been refreshed last in the
    // round before the refusals, some 2.5 s ago: under 1 s left.
    const std::vector<long> left = deadlines_left();
    ASSERT_EQ(left.size(), std::size_t{kUsers});
    EXPECT_GE(*std::min_element(left.begin(), left.end()), 2000)
        << "records whose refresh failed waited for their slice of a later round";
}

TEST(RedisStoreScriptsTest, SurviveAFlushedScriptCache) {
    RedisServer server;
    RedisNode node{"node-a", redis_settings(server.endpoint(), "t:")};
    ASSERT_TRUE(node.claim(1, 1).granted);

    // An operator empties the server's script cache; EVALSHA now answers NOSCRIPT.
    const TempDir dir{"parley-redis-cli"};
    const pid_t cli =
        spawn_logged("/usr/bin/redis-cli", {"-p", std::to_string(server.port()), "SCRIPT", "FLUSH"},
                     dir.file("redis-cli.log"));
    ASSERT_EQ(wait_for_exit(cli, 10s), 0) << read_file(dir.file("redis-cli.log"));

    EXPECT_TRUE(node.claim(2, 2).granted);
    EXPECT_FALSE(node.claim(1, 3).granted);
    EXPECT_EQ(node.online(0, 10).total, 2u);
    node.release(2, 2);
    EXPECT_FALSE(node.locate(2).has_value());
}

TEST(RedisStoreOutageTest, UnreachableRedisFailsFastNamingTheAddress) {
    const std::string address = "127.0.0.1:" + std::to_string(free_loopback_port());
    RedisNode node{"node-a", redis_settings(address, "t:", "command_timeout: 10s\n")};
    for (int i = 0; i < 3; ++i) {
        const Failure failure = expect_unavailable([&] { node.locate(1); });
        EXPECT_THAT(failure.message, HasSubstr("Redis at " + address + " is unavailable"));
        EXPECT_LT(failure.took, 1s);
    }
}

TEST(RedisStoreOutageTest, RestartFailsFastThenReconnectsAndReassertsRecords) {
    RedisServer server;
    RedisNode node{"node-a", redis_settings(server.endpoint(), "t:", "command_timeout: 10s\n")};
    RedisNode other{"node-b", redis_settings(server.endpoint(), "t:", "command_timeout: 10s\n")};
    ASSERT_TRUE(node.claim(1, 11).granted);
    ASSERT_TRUE(node.claim(2, 12).granted);
    ASSERT_TRUE(other.claim(3, 13).granted);
    run_awaitable(node.store->join_group(5, 1));
    run_awaitable(node.store->check_ready());

    server.stop();
    expect_unavailable([&] { run_awaitable(node.store->check_ready()); });
    for (int i = 0; i < 5; ++i) {
        const Failure failure = expect_unavailable([&] { node.locate(1); });
        EXPECT_THAT(failure.message, HasSubstr(server.endpoint()));
        EXPECT_LT(failure.took, 1s) << "a call waited although Redis is known to be down";
    }
    expect_unavailable([&] { node.claim(4, 14); });

    server.restart();  // empty: no persistence
    // Each node reconnects by itself and puts its own sessions back.
    ASSERT_TRUE(eventually(
        [&] {
            try {
                return node.locate(1).has_value() && node.locate(2).has_value() &&
                       node.locate(3).has_value();
            } catch (const Error&) {
                return false;
            }
        },
        10s))
        << "the nodes' records did not come back after Redis restarted";
    run_awaitable(node.store->check_ready());
    EXPECT_EQ(node.locate(1)->epoch, 11u);
    EXPECT_EQ(node.locate(3)->node_id, "node-b");
    EXPECT_EQ(node.online(0, 10).total, 3u);
    EXPECT_TRUE(node.claim(4, 14).granted);
    // Group membership is not the nodes' to re-assert: a Redis without persistence loses it.
    EXPECT_FALSE(run_awaitable(node.store->is_member(5, 1)));
}

TEST(RedisStoreOutageTest, ReassertionLeavesANewerClaimAlone) {
    RedisServer server;
    RedisNode node{"node-a", redis_settings(server.endpoint(), "t:")};
    ASSERT_TRUE(node.claim(1, 11).granted);

    server.restart();
    // Another node claims the user before node-a puts its record back; node-a must not win.
    RedisNode other{"node-b", redis_settings(server.endpoint(), "t:")};
    ASSERT_TRUE(eventually(
        [&] {
            try {
                return other.claim(1, 21, DuplicateLoginPolicy::kick_old).granted;
            } catch (const Error&) {
                return false;
            }
        },
        10s));
    ASSERT_TRUE(eventually(
        [&] {
            try {
                return node.online(0, 10).total == 1;
            } catch (const Error&) {
                return false;
            }
        },
        10s));
    std::this_thread::sleep_for(500ms);  // a refresh after reconnecting has run by now
    const auto where = node.locate(1);
    ASSERT_TRUE(where.has_value());
    EXPECT_EQ(where->node_id, "node-b");
    EXPECT_EQ(where->epoch, 21u);
}

TEST(RedisStoreOutageTest, UnansweredCommandTimesOutThenCallsFailFast) {
    RedisServer server;
    RedisNode node{"node-a", redis_settings(server.endpoint(),
                                            "t:", "command_timeout: 500ms\nconnect_timeout: 1s\n")};
    ASSERT_TRUE(node.claim(1, 1).granted);

    server.pause();  // connections stay open, nothing is answered
    const Failure timed_out = expect_unavailable([&] { node.locate(1); });
    EXPECT_THAT(timed_out.message, HasSubstr("command_timeout"));
    EXPECT_GE(timed_out.took, 400ms);
    EXPECT_LT(timed_out.took, 2s);
    // Every connection is known to be down now: no call waits for the timeout again.
    for (int i = 0; i < 4; ++i) {
        EXPECT_LT(expect_unavailable([&] { node.locate(1); }).took, 300ms);
    }

    server.resume();
    EXPECT_TRUE(eventually(
        [&] {
            try {
                return node.locate(1).has_value();
            } catch (const Error&) {
                return false;
            }
        },
        10s));
}

TEST(RedisStoreOutageTest, RefusedPasswordOrDatabaseIsReported) {
    RedisServer server{
        RedisServerOptions{.password = "s3cret", .append_only = false, .extra_args = {}}};
    {
        RedisNode wrong{"node-a", redis_settings(server.endpoint(), "t:", "password: nope\n")};
        EXPECT_THAT(expect_unavailable([&] { wrong.locate(1); }).message,
                    HasSubstr("refused the password"));
    }
    {
        RedisNode missing{"node-a", redis_settings(server.endpoint(), "t:")};
        EXPECT_THAT(expect_unavailable([&] { missing.locate(1); }).message,
                    HasSubstr("requires a password"));
    }
    {
        RedisNode no_such_db{
            "node-a", redis_settings(server.endpoint(), "t:", "password: s3cret\ndatabase: 99\n")};
        EXPECT_THAT(expect_unavailable([&] { no_such_db.locate(1); }).message,
                    HasSubstr("refused database 99"));
    }
    RedisNode right{"node-a",
                    redis_settings(server.endpoint(), "t:", "password: s3cret\ndatabase: 3\n")};
    EXPECT_TRUE(right.claim(1, 1).granted);
    EXPECT_EQ(right.locate(1)->epoch, 1u);
}

TEST(RedisStoreOutageTest, DestroyedWithTheLoopStoppedAndCommandsOutstanding) {
    RedisServer server;
    auto node = std::make_unique<RedisNode>(
        "node-a", redis_settings(server.endpoint(), "t:", "command_timeout: 30s\n"));
    ASSERT_TRUE(node->claim(1, 1).granted);

    server.pause();
    asio::io_context caller;
    auto future = asio::co_spawn(caller, node->store->locate(1), asio::use_future);
    std::thread caller_loop([&] { caller.run(); });
    std::this_thread::sleep_for(200ms);  // the command is on the wire, unanswered

    node->stop_loop();
    node->store.reset();
    node->host.store.reset();  // the store goes while its loop is stopped
    ASSERT_EQ(future.wait_for(2s), std::future_status::ready)
        << "a call outstanding when the store was destroyed never completed";
    try {
        future.get();
        ADD_FAILURE() << "the call succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
        EXPECT_THAT(e.what(), HasSubstr("shutting down"));
    }
    caller_loop.join();
    node.reset();  // the loop's queue, with the plugin's cancelled waits in it, goes last
    server.resume();
}

class RedisLocateCacheTest : public ::testing::Test {
  protected:
    // Its own server: the test counts the lookups Redis answers. The cache would serve stale
    // answers for a minute if Redis's reports did not reach it.
    RedisServer server;
    RedisNode node{"node-a", redis_settings(server.endpoint(), "t:", "locate_cache_ttl: 60s\n")};
    // Refreshed every 20 s: a refresh changes the records, and would be reported too.
    RedisNode other{"node-b", redis_settings(server.endpoint(), "t:", "session_ttl: 60s\n")};
};

TEST_F(RedisLocateCacheTest, RepeatedLookupsOfAUserAreAnsweredWithoutRedis) {
    ASSERT_TRUE(other.claim(7, 70).granted);
    ASSERT_TRUE(served_from_cache(node, 7));
    const std::uint64_t asked = lookups_answered(server.port());
    for (int i = 0; i < 100; ++i) {
        const auto where = node.locate(7);
        ASSERT_TRUE(where.has_value());
        EXPECT_EQ(where->node_id, "node-b");
        EXPECT_EQ(where->epoch, 70u);
    }
    EXPECT_EQ(lookups_answered(server.port()), asked);
    // Offline users are not kept: each lookup asks.
    node.locate(8);
    node.locate(8);
    EXPECT_EQ(lookups_answered(server.port()), asked + 2);
}

TEST_F(RedisLocateCacheTest, ALoginElsewhereOrALogoutIsSeenAtOnce) {
    ASSERT_TRUE(other.claim(7, 70).granted);
    ASSERT_TRUE(served_from_cache(node, 7));

    RedisNode third{"node-c", redis_settings(server.endpoint(), "t:")};
    ASSERT_TRUE(third.claim(7, 71, DuplicateLoginPolicy::kick_old).granted);
    EXPECT_TRUE(eventually(
        [&] {
            const auto where = node.locate(7);
            return where && where->node_id == "node-c" && where->epoch == 71;
        },
        2s))
        << "the cache kept answering node-b after the user logged in on node-c";

    ASSERT_TRUE(served_from_cache(node, 7));
    third.release(7, 71);
    EXPECT_TRUE(eventually([&] { return !node.locate(7).has_value(); }, 2s))
        << "the cache kept answering after the user logged out";
}

TEST(RedisLocateCacheExpiryTest, AnExpiredRecordLeavesTheCacheEvenBeforeRedisDeletesIt) {
    // Redis reports an expiry when it deletes the key, and with its active expiry off (as it
    // can lag with many keys) that is only when somebody reads the key.
    RedisServer server{RedisServerOptions{
        .password = {}, .append_only = false, .extra_args = {"--enable-debug-command", "local"}}};
    redis_cli(server.port(), {"DEBUG", "SET-ACTIVE-EXPIRE", "0"});
    RedisNode node{"node-a", redis_settings(server.endpoint(), "t:", "locate_cache_ttl: 60s\n")};
    auto dying = std::make_unique<RedisNode>(
        "node-c", redis_settings(server.endpoint(), "t:", "session_ttl: 1s\n"));
    ASSERT_TRUE(dying->claim(7, 70).granted);
    ASSERT_TRUE(served_from_cache(node, 7));
    const auto died = Clock::now();
    dying.reset();  // nobody refreshes the record now
    EXPECT_TRUE(eventually([&] { return !node.locate(7).has_value(); }, 3s))
        << "a dead node's user is still located from the cache";
    EXPECT_LE(Clock::now() - died, 1500ms);
}

TEST_F(RedisLocateCacheTest, AFlushedDatabaseEmptiesTheCache) {
    ASSERT_TRUE(other.claim(7, 70).granted);
    ASSERT_TRUE(served_from_cache(node, 7));
    redis_cli(server.port(), {"FLUSHALL"});
    EXPECT_TRUE(eventually([&] { return !node.locate(7).has_value(); }, 2s))
        << "the cache kept answering after FLUSHALL";
}

TEST_F(RedisLocateCacheTest, WhileTheReportsAreCutNothingIsServedFromTheCache) {
    ASSERT_TRUE(other.claim(7, 70).granted);
    ASSERT_TRUE(served_from_cache(node, 7));
    // The subscribed connection is dropped and cannot come back (new connections now need a
    // password); connections already open stay, so lookups still reach Redis.
    redis_cli(server.port(), {"CONFIG", "SET", "requirepass", "secret"});
    redis_cli(server.port(),
              {"-a", "secret", "--no-auth-warning", "CLIENT", "KILL", "TYPE", "pubsub"});
    const auto asked_redis = [&] {
        const std::uint64_t hits = cache_hits();
        node.locate(7);
        return cache_hits() == hits;
    };
    ASSERT_TRUE(eventually(asked_redis, 2s)) << "the cache still answers without its reports";
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(asked_redis());
    }
    // A change made now is reported to nobody, and seen at the next lookup all the same.
    ASSERT_TRUE(other.claim(7, 71, DuplicateLoginPolicy::kick_old).granted);
    EXPECT_EQ(node.locate(7)->epoch, 71u);

    redis_cli(server.port(),
              {"-a", "secret", "--no-auth-warning", "CONFIG", "SET", "requirepass", ""});
    EXPECT_TRUE(served_from_cache(node, 7)) << "not caching again once subscribed again";
    EXPECT_EQ(node.locate(7)->epoch, 71u);
}

/// Twenty lookups of user 7, held by node-b: each answered by Redis, none by the cache.
void expect_every_lookup_asks_redis(RedisNode& node, std::uint16_t port) {
    const std::uint64_t hits = cache_hits();
    const std::uint64_t asked = lookups_answered(port);
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(node.locate(7)->node_id, "node-b");
    }
    EXPECT_EQ(lookups_answered(port), asked + 20);
    EXPECT_EQ(cache_hits(), hits);
}

/// A field of INFO's output, as a number.
std::uint64_t info_field(std::uint16_t port, const std::string& name) {
    const std::string info = redis_cli(port, {"INFO"});
    const auto at = info.find(name + ":");
    return at == std::string::npos ? 0 : std::stoull(info.substr(at + name.size() + 1));
}

TEST(RedisLocateCacheRefusedTest, ARedisThatWillNotReportLeavesTheCacheOffForGood) {
    // Without the CLIENT command no tracking; without channels no subscription (Redis closes
    // the connection that asks): either way the node must not cache, nor keep reconnecting.
    for (const char* rule : {"-client", "resetchannels"}) {
        SCOPED_TRACE(rule);
        RedisServer server;
        redis_cli(server.port(), {"ACL", "SETUSER", "default", rule});
        RedisNode node{"node-a", redis_settings(server.endpoint(), "t:")};
        ASSERT_TRUE(node.claim(1, 1).granted);  // everything else works
        RedisNode other{"node-b", redis_settings(server.endpoint(), "t:")};
        ASSERT_TRUE(other.claim(7, 70).granted);
        std::this_thread::sleep_for(2500ms);  // time to try, and to give up

        const std::uint64_t connections = info_field(server.port(), "total_connections_received");
        expect_every_lookup_asks_redis(node, server.port());
        std::this_thread::sleep_for(500ms);
        // Only redis-cli connected meanwhile: twice for the lookup counts, once for this.
        EXPECT_EQ(info_field(server.port(), "total_connections_received"), connections + 3);
    }
}

TEST(RedisLocateCacheOffTest, SizeZeroAsksRedisEveryTime) {
    RedisServer server;
    const std::string off = "locate_cache_size: 0\n";
    RedisNode node{"node-a", redis_settings(server.endpoint(), "t:", off)};
    RedisNode other{"node-b", redis_settings(server.endpoint(), "t:", off)};
    ASSERT_TRUE(other.claim(7, 70).granted);
    expect_every_lookup_asks_redis(node, server.port());
    // Nor does it hold a connection for reports it would not use.
    EXPECT_THAT(redis_cli(server.port(), {"CLIENT", "LIST", "TYPE", "pubsub"}),
                Not(HasSubstr("cmd=")));
}

}  // namespace
}  // namespace parley::test
