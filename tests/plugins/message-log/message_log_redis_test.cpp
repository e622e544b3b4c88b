// What only message-log-redis promises, against real redis-server processes: a new epoch when
// Redis lost its data and the same one when its append-only file kept it, retention by age and
// count moving first_seq, the dedup window expiring, gap-free sequences from several nodes at
// once, and clear failures. Tests that flush, stop or restart Redis start their own; the others
// share one, each under its own key prefix.

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/error.hpp>

#include "durability_check.hpp"
#include "plugins/message-log/message_log_test_support.hpp"
#include "plugins/message-log/redis_log_node.hpp"
#include "plugins/plugin_test_host.hpp"
#include "plugins/unique_name.hpp"
#include "support/child_process.hpp"
#include "support/redis_server.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

void redis_cli(const RedisServer& server, const std::vector<std::string>& command) {
    const TempDir dir{"parley-redis-cli"};
    std::vector<std::string> args{"-p", std::to_string(server.port())};
    args.insert(args.end(), command.begin(), command.end());
    const pid_t cli = spawn_logged("/usr/bin/redis-cli", args, dir.file("redis-cli.log"));
    ASSERT_EQ(wait_for_exit(cli, 10s), 0) << read_file(dir.file("redis-cli.log"));
}

TEST(message_log_redis_settings, RefuseMistakesNamingTheKey) {
    EXPECT_THAT(load_error("message-log", "redis", "max_age: soon\n"),
                HasSubstr("max_age: expected a duration"));
    EXPECT_THAT(load_error("message-log", "redis", "max_messages_per_conversation: 0\n"),
                HasSubstr("max_messages_per_conversation: value 0 is out of range"));
    EXPECT_THAT(load_error("message-log", "redis", "dedup_windw: 1m\n"),
                HasSubstr("did you mean 'dedup_window'?"));
    EXPECT_THAT(load_error("message-log", "redis", "key_prefix: \"a{b}:\"\n"),
                HasSubstr("must not contain '{'"));
    EXPECT_THAT(load_error("message-log", "redis", "address: nowhere\n"), HasSubstr("host:port"));
    EXPECT_THAT(load_error("message-log", "redis", "append_timeout: -1s\n"),
                HasSubstr("append_timeout"));
}

TEST(message_log_redis_durability, OnlyAlwaysFsyncedAppendOnlyWithoutEvictionIsQuiet) {
    using plugins::message_log_redis::RedisDurability;
    EXPECT_THAT((RedisDurability{"yes", "always", "noeviction", ""}.problems()), IsEmpty());
    const auto no_aof = RedisDurability{"no", "everysec", "noeviction", ""}.problems();
    ASSERT_EQ(no_aof.size(), 1u);
    EXPECT_THAT(no_aof[0], HasSubstr("new epoch"));
    const auto everysec = RedisDurability{"yes", "everysec", "noeviction", ""}.problems();
    ASSERT_EQ(everysec.size(), 1u);
    EXPECT_THAT(everysec[0], HasSubstr("appendfsync always"));
    const auto evicting = RedisDurability{"yes", "always", "allkeys-lru", ""}.problems();
    ASSERT_EQ(evicting.size(), 1u);
    EXPECT_THAT(evicting[0], HasSubstr("noeviction"));
}

TEST(message_log_redis, AFlushedRedisGivesANewEpochNotReusedNumbers) {
    RedisServer server;
    LogNode node{log_settings(server.endpoint(), "t:")};
    const auto ab = Conversation::direct(1, 2);
    const AppendResult before = node.append(ab, 1, 0, "one");
    node.append(ab, 1, 0, "two");
    run_awaitable(node.log->acknowledge(2, ab, 2));
    ASSERT_EQ(node.read(ab).epoch, before.epoch);

    redis_cli(server, {"FLUSHALL"});

    // Nothing of it is left; what the log says now carries another epoch, so a client holding
    // seq 2 of the old one starts over rather than skip the new seq 1 and 2.
    const MessagePage empty = node.read(ab);
    EXPECT_THAT(empty.messages, IsEmpty());
    EXPECT_NE(empty.epoch, before.epoch);
    const AppendResult after = node.append(ab, 1, 0, "again");
    EXPECT_EQ(after.seq, 1u);
    EXPECT_NE(after.epoch, before.epoch);
    EXPECT_EQ(after.epoch, empty.epoch);
    const auto positions = run_awaitable(node.log->positions(2, {}));
    ASSERT_EQ(positions.size(), 1u);
    EXPECT_EQ(positions[0].epoch, after.epoch);
    EXPECT_EQ(positions[0].acked, 0u);
}

TEST(message_log_redis, ARestartWithoutPersistenceGivesANewEpoch) {
    RedisServer server;
    LogNode node{log_settings(server.endpoint(), "t:")};
    const AppendResult before = node.append(Conversation::group(4), 1, 0, "one");
    server.restart();
    // The pool reconnects on its own; calls fail fast until it has.
    AppendResult after;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (true) {
        try {
            after = node.append(Conversation::group(4), 1, 0, "two");
            break;
        } catch (const Error& e) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << e.what();
            std::this_thread::sleep_for(100ms);
        }
    }
    EXPECT_EQ(after.seq, 1u);
    EXPECT_NE(after.epoch, before.epoch);
}

TEST(message_log_redis, AnAppendOnlyRedisKeepsEpochAndSequencesAcrossARestart) {
    RedisServer server{RedisServerOptions{.password = {}, .append_only = true, .extra_args = {}}};
    LogNode node{log_settings(server.endpoint(), "t:")};
    const auto group = Conversation::group(9);
    const AppendResult first = node.append(group, 1, 77, "one");
    node.append(group, 1, 0, "two");
    server.restart();

    AppendResult third;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (true) {
        try {
            third = node.append(group, 1, 0, "three");
            break;
        } catch (const Error& e) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << e.what();
            std::this_thread::sleep_for(100ms);
        }
    }
    EXPECT_EQ(third.seq, 3u);
    EXPECT_EQ(third.epoch, first.epoch);
    const AppendResult again = node.append(group, 1, 77, "one, resent");
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.seq, 1u);
    EXPECT_THAT(seqs_of(node.read(group)), ElementsAre(1u, 2u, 3u));
}

TEST(message_log_redis, RetentionByAgeDropsOldMessagesAndMovesFirstSeq) {
    LogNode node{log_settings(shared_redis(), unique_prefix(':'), "max_age: 1s\n")};
    const auto ab = Conversation::direct(1, 2);
    for (int i = 0; i < 3; ++i) {
        node.append(ab, 1, 0, "old");
    }
    std::this_thread::sleep_for(1500ms);
    // Even with no append since, a read no longer sees them.
    MessagePage page = node.read(ab);
    EXPECT_THAT(page.messages, IsEmpty());
    EXPECT_EQ(page.first_seq, 4u);
    EXPECT_EQ(page.last_seq, 3u);

    const AppendResult fresh = node.append(ab, 2, 0, "new");
    EXPECT_EQ(fresh.seq, 4u);
    page = node.read(ab);
    EXPECT_THAT(seqs_of(page), ElementsAre(4u));
    EXPECT_EQ(page.first_seq, 4u);
    const auto positions = run_awaitable(node.log->positions(1, {}));
    ASSERT_EQ(positions.size(), 1u);
    EXPECT_EQ(positions[0].first_seq, 4u);
    EXPECT_EQ(positions[0].last_seq, 4u);
}

TEST(message_log_redis, RetentionByCountKeepsTheNewestAndMovesFirstSeq) {
    LogNode node{log_settings(shared_redis(), unique_prefix(':'),
                              "max_messages_per_conversation: 3\nmax_age: 1h\n")};
    const auto group = Conversation::group(5);
    for (int i = 1; i <= 10; ++i) {
        node.append(group, 1, 0, "m" + std::to_string(i));
    }
    const MessagePage page = node.read(group);
    EXPECT_THAT(seqs_of(page), ElementsAre(8u, 9u, 10u));
    EXPECT_EQ(page.first_seq, 8u);
    EXPECT_EQ(text_of(page.messages[0].frame), "m8");
    EXPECT_THAT(seqs_of(run_awaitable(node.log->read_back(group, 0, 10))),
                ElementsAre(10u, 9u, 8u));
    // Later age retention drops from the same front: the time index followed the count trims.
    EXPECT_EQ(run_awaitable(node.log->positions(1, {5})).at(0).first_seq, 8u);
}

TEST(message_log_redis, ADuplicateIsRecognisedOnlyWithinTheDedupWindow) {
    LogNode node{log_settings(shared_redis(), unique_prefix(':'), "dedup_window: 1s\n")};
    const auto ab = Conversation::direct(1, 2);
    const AppendResult first = node.append(ab, 1, 7, "hello");
    const AppendResult resent = node.append(ab, 1, 7, "hello");
    EXPECT_TRUE(resent.duplicate);
    EXPECT_EQ(resent.seq, first.seq);
    EXPECT_EQ(resent.server_msg_id, first.server_msg_id);

    std::this_thread::sleep_for(1500ms);
    const AppendResult late = node.append(ab, 1, 7, "hello");
    EXPECT_FALSE(late.duplicate);
    EXPECT_EQ(late.seq, 2u);
    EXPECT_NE(late.server_msg_id, first.server_msg_id);
}

TEST(message_log_redis, AResendThroughAnotherNodeIsTheSameMessage) {
    const std::string yaml = log_settings(shared_redis(), unique_prefix(':'));
    LogNode one{yaml};
    LogNode two{yaml};
    const auto group = Conversation::group(3);
    const AppendResult first = one.append(group, 4, 1234, "once");
    const AppendResult resent = two.append(group, 4, 1234, "once");
    EXPECT_TRUE(resent.duplicate);
    EXPECT_EQ(resent.seq, first.seq);
    EXPECT_EQ(resent.epoch, first.epoch);
    EXPECT_EQ(two.read(group).messages.size(), 1u);
}

TEST(message_log_redis, FramesComeBackByteForByte) {
    LogNode node{log_settings(shared_redis(), unique_prefix(':'))};
    std::vector<std::uint8_t> body(300);
    for (std::size_t i = 0; i < body.size(); ++i) {
        body[i] = static_cast<std::uint8_t>(i);  // zero bytes and every other value
    }
    const Frame frame = Frame::make(FrameType::group_message, 6, 3, body);
    run_awaitable(node.log->append(Conversation::group(3), 6, 99, frame));
    const MessagePage page = node.read(Conversation::group(3));
    ASSERT_EQ(page.messages.size(), 1u);
    const StoredMessage& stored = page.messages[0];
    EXPECT_TRUE(std::equal(stored.frame.bytes().begin(), stored.frame.bytes().end(),
                           frame.bytes().begin(), frame.bytes().end()));
    EXPECT_EQ(stored.sender, 6u);
    EXPECT_EQ(stored.client_msg_id, 99u);
}

TEST(message_log_redis, SeveralNodesAppendingAtOnceGetGapFreeSequences) {
    // Three nodes, four connections each, all appending to one conversation at once.
    const std::string yaml = log_settings(shared_redis(), unique_prefix(':'), "pool_size: 4\n");
    constexpr int kNodes = 3;
    constexpr int kPerNode = 300;
    const auto group = Conversation::group(1);
    std::vector<std::unique_ptr<LogNode>> nodes;
    for (int n = 0; n < kNodes; ++n) {
        nodes.push_back(std::make_unique<LogNode>(yaml));
    }
    std::vector<std::vector<AppendResult>> results(kNodes);
    std::vector<std::thread> threads;
    for (int n = 0; n < kNodes; ++n) {
        threads.emplace_back([&, n] {
            asio::io_context io;
            for (int i = 0; i < kPerNode; ++i) {
                asio::co_spawn(
                    io,
                    [](MessageLog& log, Conversation to, std::vector<AppendResult>& out,
                       UserId sender, std::uint64_t id) -> asio::awaitable<void> {
                        // Named first: GCC 12 destroys a temporary argument inside co_await twice.
                        Frame frame = text_frame(sender, "x");
                        const AppendResult result =
                            co_await log.append(to, sender, id, std::move(frame));
                        out.push_back(result);
                    }(*nodes[static_cast<std::size_t>(n)]->log, group,
                                                        results[static_cast<std::size_t>(n)],
                                                        static_cast<UserId>(n + 1),
                                                        static_cast<std::uint64_t>(i + 1)),
                    asio::detached);
            }
            io.run();
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::set<std::uint64_t> seqs;
    std::set<std::uint64_t> ids;
    for (const auto& node_results : results) {
        ASSERT_EQ(node_results.size(), static_cast<std::size_t>(kPerNode));
        for (const AppendResult& result : node_results) {
            EXPECT_FALSE(result.duplicate);
            seqs.insert(result.seq);
            ids.insert(result.server_msg_id);
        }
    }
    constexpr auto kTotal = static_cast<std::size_t>(kNodes * kPerNode);
    EXPECT_EQ(seqs.size(), kTotal);
    EXPECT_EQ(ids.size(), kTotal);
    EXPECT_EQ(*seqs.begin(), 1u);
    EXPECT_EQ(*seqs.rbegin(), kTotal);
    // Stored in seq order, each seq once, whoever appended it.
    std::vector<std::uint64_t> stored;
    std::uint64_t after = 0;
    while (true) {
        const MessagePage page = run_awaitable(nodes[0]->log->read(group, after, 250));
        if (page.messages.empty()) {
            break;
        }
        for (const StoredMessage& message : page.messages) {
            stored.push_back(message.seq);
        }
        after = page.messages.back().seq;
    }
    ASSERT_EQ(stored.size(), kTotal);
    for (std::size_t i = 0; i < stored.size(); ++i) {
        ASSERT_EQ(stored[i], i + 1);
    }
}

TEST(message_log_redis, CallsFailWithBackendUnavailableWhileRedisIsDown) {
    RedisServer server;
    LogNode node{log_settings(server.endpoint(), "t:", "command_timeout: 2s\n")};
    node.append(Conversation::group(1), 1, 0, "up");
    server.stop();
    try {
        node.append(Conversation::group(1), 1, 0, "down");
        ADD_FAILURE() << "the append succeeded with Redis stopped";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable) << e.what();
        EXPECT_THAT(e.what(), HasSubstr(server.endpoint()));
    }
}

}  // namespace
}  // namespace parley::test
