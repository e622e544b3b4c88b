// message-log-redis sends a deduplicated append again when its reply is lost, against a real
// redis-server behind a loopback proxy that loses replies after Redis ran the request (a cut
// connection, a reply withheld past command_timeout, a restart) or loses the requests
// themselves: the append then succeeds with the numbers of the one copy stored, and fails with
// 2000 only when no answer came before append_timeout.

#include <chrono>
#include <future>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/error.hpp>

#include "plugins/message-log/message_log_test_support.hpp"
#include "plugins/message-log/redis_log_node.hpp"
#include "support/redis_server.hpp"
#include "support/tcp_proxy.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Loss = TcpProxy::Loss;

/// One connection, so the proxy's loss hits the append under test.
std::string resend_settings(const TcpProxy& proxy, const std::string& timeouts) {
    return log_settings(proxy.endpoint(), "t:", "pool_size: 1\n" + timeouts);
}

/// Makes sure nothing of the node's start is still in flight: the durability check it sends
/// when the connection is ready (CONFIG GET) went out before `conversation`'s read, on the one
/// connection, so its reply has come by the time the read's has. A lost reply is then the
/// test's own.
void settle(LogNode& node, Conversation conversation) {
    (void)node.read(conversation);
}

/// Reads `conversation` once the node reaches Redis again (it reconnects by itself).
MessagePage read_when_back(LogNode& node, Conversation conversation) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (true) {
        try {
            return node.read(conversation);
        } catch (const Error&) {
            if (std::chrono::steady_clock::now() > deadline) {
                throw;
            }
            std::this_thread::sleep_for(100ms);
        }
    }
}

/// The client_msg_ids of `page`, in order.
std::vector<std::uint64_t> ids_of(const MessagePage& page) {
    std::vector<std::uint64_t> ids;
    for (const StoredMessage& message : page.messages) {
        ids.push_back(message.client_msg_id);
    }
    return ids;
}

/// Appends message 2 while the proxy loses its reply as `loss` says, and checks that it comes
/// back as the one stored copy: seq 2, not a duplicate (so the node pushes it), and that a later
/// resend by the client is still recognised.
void expect_resent_after(Loss loss, const std::string& timeouts) {
    RedisServer server;
    TcpProxy proxy{server.port()};
    LogNode node{resend_settings(proxy, timeouts)};
    const auto group = Conversation::group(1);
    ASSERT_EQ(node.append(group, 1, 101, "one").seq, 1u);
    settle(node, group);

    proxy.lose(loss);
    const AppendResult second = node.append(group, 1, 102, "two");
    EXPECT_EQ(proxy.lost_replies(), 1) << "the proxy lost no reply: the test tested nothing";
    EXPECT_EQ(second.seq, 2u);
    EXPECT_FALSE(second.duplicate) << "the first try stored it; this append is that message";

    const MessagePage page = node.read(group);
    EXPECT_THAT(seqs_of(page), ElementsAre(1u, 2u));
    EXPECT_THAT(ids_of(page), ElementsAre(101u, 102u));
    EXPECT_EQ(page.messages.at(1).server_msg_id, second.server_msg_id);
    const AppendResult resent = node.append(group, 1, 102, "two");
    EXPECT_TRUE(resent.duplicate);
    EXPECT_EQ(resent.seq, 2u);
    EXPECT_EQ(node.append(group, 1, 103, "three").seq, 3u);
}

TEST(message_log_redis_resend, AnAppendWhoseConnectionDropsAfterRedisRanItKeepsItsSeq) {
    expect_resent_after(Loss::next_reply_then_close, "command_timeout: 5s\nappend_timeout: 20s\n");
}

TEST(message_log_redis_resend, AnAppendUnansweredWithinCommandTimeoutKeepsItsSeq) {
    expect_resent_after(Loss::next_reply, "command_timeout: 500ms\nappend_timeout: 20s\n");
}

TEST(message_log_redis_resend, AnAppendWhoseReplyARestartLostIsAnsweredOnceRedisIsBack) {
    RedisServer server{RedisServerOptions{.password = {}, .append_only = true, .extra_args = {}}};
    TcpProxy proxy{server.port()};
    LogNode node{resend_settings(proxy, "command_timeout: 10s\nappend_timeout: 30s\n")};
    const auto direct = Conversation::direct(1, 2);
    ASSERT_EQ(node.append(direct, 1, 201, "one").seq, 1u);
    settle(node, direct);

    // Redis runs the append and writes it to its append-only file; the reply is held back
    // until Redis restarts, which closes the connection. The new one loads the scripts again.
    proxy.lose(Loss::next_reply);
    auto second = std::async(std::launch::async,
                             [&node, direct] { return node.append(direct, 1, 202, "two"); });
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (proxy.lost_replies() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(proxy.lost_replies(), 1);
    server.restart();

    const AppendResult stored = second.get();
    EXPECT_EQ(stored.seq, 2u);
    EXPECT_FALSE(stored.duplicate);
    EXPECT_THAT(ids_of(node.read(direct)), ElementsAre(201u, 202u));
}

TEST(message_log_redis_resend, AnAppendRedisNeverGotFailsOnceAppendTimeoutPasses) {
    RedisServer server;
    TcpProxy proxy{server.port()};
    LogNode node{resend_settings(
        proxy, "command_timeout: 300ms\nconnect_timeout: 300ms\nappend_timeout: 1500ms\n")};
    const auto group = Conversation::group(2);
    ASSERT_EQ(node.append(group, 1, 301, "one").seq, 1u);
    settle(node, group);

    proxy.lose(Loss::requests);
    try {
        node.append(group, 1, 302, "two");
        ADD_FAILURE() << "the append succeeded though Redis never heard of it";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable) << e.what();
        EXPECT_THAT(e.what(), HasSubstr("may have run it"));
    }

    // Redis indeed never had it: sent again once Redis is reachable, it is a new message.
    proxy.lose(Loss::none);
    EXPECT_THAT(ids_of(read_when_back(node, group)), ElementsAre(301u));
    const AppendResult resent = node.append(group, 1, 302, "two");
    EXPECT_FALSE(resent.duplicate);
    EXPECT_EQ(resent.seq, 2u);
}

TEST(message_log_redis_resend, AnAppendFailsAtOnceWhileRedisIsKnownToBeDown) {
    RedisServer server;
    LogNode node{log_settings(server.endpoint(), "t:", "append_timeout: 10m\n")};
    const auto group = Conversation::group(3);
    node.append(group, 1, 401, "one");
    server.stop();
    // Once the node has noticed, an append that cannot reach Redis was not taken: it fails
    // without waiting for append_timeout.
    const auto noticed_by = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < noticed_by) {
        try {
            node.read(group);
            std::this_thread::sleep_for(50ms);
        } catch (const Error&) {
            break;
        }
    }
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THROW(node.append(group, 1, 402, "two"), Error);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 60s);
}

TEST(message_log_redis_resend, ConcurrentSendersThroughDroppedConnectionsGetGapFreeSequences) {
    RedisServer server;
    TcpProxy proxy{server.port()};
    LogNode node{resend_settings(proxy, "command_timeout: 5s\nappend_timeout: 30s\n")};
    const auto group = Conversation::group(4);
    constexpr int kSenders = 4;
    constexpr int kEach = 50;
    constexpr int kDrops = 3;

    ASSERT_EQ(node.append(Conversation::group(5), 9, 1, "connected").seq, 1u);
    settle(node, group);

    // Each sender waits for one append before the next, as a session does; the senders
    // overlap, so several appends are in flight on the one connection when the proxy drops it.
    // While the node reconnects, an append that cannot go out fails at once; the sender resends
    // it with the same client_msg_id, as a client does after a 2000. That resend must not be a
    // duplicate: a 2000 is only for a message Redis did not take.
    proxy.lose(Loss::next_reply_then_close);
    std::vector<std::future<std::vector<std::uint64_t>>> senders;
    for (UserId sender = 1; sender <= kSenders; ++sender) {
        senders.push_back(std::async(std::launch::async, [&node, group, sender] {
            std::vector<std::uint64_t> seqs;
            for (int i = 1; i <= kEach; ++i) {
                const std::uint64_t id = 1000u * sender + i;
                for (int tries = 1;; ++tries) {
                    try {
                        const AppendResult stored = node.append(group, sender, id, "m");
                        EXPECT_FALSE(stored.duplicate) << "refused, yet stored: " << id;
                        seqs.push_back(stored.seq);
                        break;
                    } catch (const Error&) {
                        if (tries == 200) {
                            throw;
                        }
                        std::this_thread::sleep_for(20ms);
                    }
                }
            }
            return seqs;
        }));
    }
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    for (int drop = 1; drop < kDrops; ++drop) {
        while (proxy.lost_replies() < drop && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(1ms);
        }
        proxy.lose(Loss::next_reply_then_close);
    }

    std::set<std::uint64_t> all;
    for (auto& sender : senders) {
        const std::vector<std::uint64_t> seqs = sender.get();  // throws if an append failed
        for (std::size_t i = 1; i < seqs.size(); ++i) {
            EXPECT_LT(seqs[i - 1], seqs[i]) << "a sender's messages went out of order";
        }
        all.insert(seqs.begin(), seqs.end());
    }
    proxy.lose(Loss::none);  // in case the senders were done before the last drop
    EXPECT_EQ(proxy.lost_replies(), kDrops);
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kSenders * kEach));
    EXPECT_EQ(*all.begin(), 1u);
    EXPECT_EQ(*all.rbegin(), static_cast<std::uint64_t>(kSenders * kEach));

    std::map<std::uint64_t, int> copies;
    std::uint64_t after = 0;
    while (true) {
        const MessagePage page = node.read(group, after);
        if (page.messages.empty()) {
            break;
        }
        for (const StoredMessage& message : page.messages) {
            ++copies[message.client_msg_id];
            after = message.seq;
        }
    }
    EXPECT_EQ(copies.size(), static_cast<std::size_t>(kSenders * kEach));
    for (const auto& [id, count] : copies) {
        EXPECT_EQ(count, 1) << "client_msg_id " << id << " stored " << count << " times";
    }
}

}  // namespace
}  // namespace parley::test
