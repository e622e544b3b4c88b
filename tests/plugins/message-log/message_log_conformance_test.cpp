// The MessageLog contract (core/include/parley/message_log.hpp), run against every
// message-log plugin loaded as parleyd loads it (Redis: a real redis-server, each test under its
// own key prefix of the shared one).

#include <algorithm>
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

#include "plugins/message-log/message_log_test_support.hpp"
#include "plugins/plugin_test_host.hpp"
#include "plugins/unique_name.hpp"
#include "support/redis_server.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

/// The settings every backend gets, in YAML; each backend adds its own.
constexpr const char* kCommonSettings = "max_messages_per_conversation: 5\n";

struct MemoryBackend {
    static constexpr const char* kName = "memory";
    std::string settings() const { return kCommonSettings; }
};

struct SqliteBackend {
    static constexpr const char* kName = "sqlite";
    TempDir dir{"parley-message-log"};
    std::string settings() const {
        return std::string{kCommonSettings} + "path: " + dir.file("log.db").string() + "\n";
    }
};

struct RedisBackend {
    static constexpr const char* kName = "redis";
    std::string settings() const {
        return std::string{kCommonSettings} + "address: \"" + shared_redis() +
               "\"\nkey_prefix: \"" + unique_prefix(':') + "\"\n";
    }
};

template <typename Backend>
class MessageLogConformance : public ::testing::Test {
  protected:
    void SetUp() override {
        host.load("message-log", Backend::kName, backend.settings());
        ASSERT_NE(host.message_log, nullptr);
        log = host.message_log.get();
        // The host's loop runs on its own thread, as a node's backend loop does: a backend
        // doing I/O there (Redis) is called across executors, as in parleyd.
        loop = std::thread([this] { host.io.run(); });
    }

    void TearDown() override {
        log = nullptr;
        host.message_log.reset();
        work.reset();
        if (loop.joinable()) {
            loop.join();
        }
    }

    AppendResult append(Conversation conversation, UserId sender, std::uint64_t client_msg_id,
                        const std::string& text) {
        return append_text(*log, conversation, sender, client_msg_id, text);
    }

    Backend backend;
    PluginTestHost host;
    MessageLog* log = nullptr;
    asio::executor_work_guard<asio::io_context::executor_type> work{host.io.get_executor()};
    std::thread loop;
};

TYPED_TEST_SUITE_P(MessageLogConformance);

TYPED_TEST_P(MessageLogConformance, SequencesCountFromOnePerConversation) {
    const auto ab = Conversation::direct(1, 2);
    const auto group = Conversation::group(7);
    EXPECT_EQ(this->append(ab, 1, 0, "a").seq, 1u);
    EXPECT_EQ(this->append(group, 1, 0, "g").seq, 1u);
    EXPECT_EQ(this->append(ab, 2, 0, "b").seq, 2u);
    EXPECT_EQ(this->append(group, 3, 0, "h").seq, 2u);
    EXPECT_EQ(this->append(Conversation::direct(1, 3), 1, 0, "c").seq, 1u);
}

TYPED_TEST_P(MessageLogConformance, ServerMessageIdsAreUnique) {
    std::set<std::uint64_t> ids;
    for (UserId peer = 2; peer < 6; ++peer) {
        ids.insert(this->append(Conversation::direct(1, peer), 1, 0, "x").server_msg_id);
        ids.insert(this->append(Conversation::group(peer), 1, 0, "y").server_msg_id);
    }
    EXPECT_EQ(ids.size(), 8u);
    EXPECT_FALSE(ids.contains(0));
}

TYPED_TEST_P(MessageLogConformance, DirectConversationIsTheSameFromEitherEnd) {
    EXPECT_EQ(Conversation::direct(4, 9), Conversation::direct(9, 4));
    this->append(Conversation::direct(4, 9), 4, 0, "from 4");
    this->append(Conversation::direct(9, 4), 9, 0, "from 9");
    const MessagePage page = run_awaitable(this->log->read(Conversation::direct(4, 9), 0, 10));
    ASSERT_EQ(page.messages.size(), 2u);
    EXPECT_EQ(text_of(page.messages[0].frame), "from 4");
    EXPECT_EQ(text_of(page.messages[1].frame), "from 9");
    EXPECT_EQ(page.messages[1].sender, 9u);
}

TYPED_TEST_P(MessageLogConformance, DuplicateReturnsTheFirstAppendAndStoresNothing) {
    const auto ab = Conversation::direct(1, 2);
    const AppendResult first = this->append(ab, 1, 42, "once");
    this->append(ab, 2, 42, "other sender, same id");
    const AppendResult again = this->append(ab, 1, 42, "twice");
    EXPECT_FALSE(first.duplicate);
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.seq, first.seq);
    EXPECT_EQ(again.server_msg_id, first.server_msg_id);

    const MessagePage page = run_awaitable(this->log->read(ab, 0, 10));
    EXPECT_THAT(seqs_of(page), ElementsAre(1u, 2u));
    EXPECT_EQ(text_of(page.messages[0].frame), "once");
    EXPECT_EQ(page.last_seq, 2u);
}

TYPED_TEST_P(MessageLogConformance, ClientMessageIdZeroIsNeverDeduplicated) {
    const auto ab = Conversation::direct(1, 2);
    EXPECT_FALSE(this->append(ab, 1, 0, "a").duplicate);
    const AppendResult second = this->append(ab, 1, 0, "b");
    EXPECT_FALSE(second.duplicate);
    EXPECT_EQ(second.seq, 2u);
}

TYPED_TEST_P(MessageLogConformance, ReadReturnsMessagesAfterInOrderUpToLimit) {
    const auto group = Conversation::group(3);
    for (int i = 1; i <= 4; ++i) {
        this->append(group, 5, 100 + i, "m" + std::to_string(i));
    }
    const MessagePage page = run_awaitable(this->log->read(group, 1, 2));
    EXPECT_THAT(seqs_of(page), ElementsAre(2u, 3u));
    EXPECT_EQ(text_of(page.messages[0].frame), "m2");
    EXPECT_EQ(page.messages[0].sender, 5u);
    EXPECT_EQ(page.messages[0].client_msg_id, 102u);
    EXPECT_GT(page.messages[0].stored_at_ms, 0);
    EXPECT_EQ(page.messages[0].frame.type(), FrameType::private_message);
    EXPECT_EQ(page.first_seq, 1u);
    EXPECT_EQ(page.last_seq, 4u);

    EXPECT_THAT(seqs_of(run_awaitable(this->log->read(group, 4, 10))), IsEmpty());
}

TYPED_TEST_P(MessageLogConformance, ReadOfAnUnknownConversationIsEmpty) {
    const MessagePage page = run_awaitable(this->log->read(Conversation::group(99), 0, 10));
    EXPECT_THAT(page.messages, IsEmpty());
    EXPECT_EQ(page.last_seq, 0u);
    EXPECT_EQ(page.first_seq, 1u);
    EXPECT_NE(page.epoch, 0u);
}

TYPED_TEST_P(MessageLogConformance, ReadBackPagesNewestFirst) {
    const auto ab = Conversation::direct(1, 2);
    for (int i = 1; i <= 5; ++i) {
        this->append(ab, 1, 0, "m" + std::to_string(i));
    }
    const MessagePage newest = run_awaitable(this->log->read_back(ab, 0, 2));
    EXPECT_THAT(seqs_of(newest), ElementsAre(5u, 4u));
    const MessagePage older =
        run_awaitable(this->log->read_back(ab, newest.messages.back().seq, 2));
    EXPECT_THAT(seqs_of(older), ElementsAre(3u, 2u));
    const MessagePage oldest = run_awaitable(this->log->read_back(ab, 2, 2));
    EXPECT_THAT(seqs_of(oldest), ElementsAre(1u));
    EXPECT_EQ(text_of(oldest.messages[0].frame), "m1");
    EXPECT_EQ(oldest.last_seq, 5u);
    EXPECT_EQ(oldest.first_seq, 1u);
}

TYPED_TEST_P(MessageLogConformance, PagesCarryOneEpoch) {
    const auto ab = Conversation::direct(1, 2);
    this->append(ab, 1, 0, "a");
    const auto epoch = run_awaitable(this->log->read(ab, 0, 1)).epoch;
    EXPECT_NE(epoch, 0u);
    EXPECT_EQ(run_awaitable(this->log->read_back(ab, 0, 1)).epoch, epoch);
    const auto positions = run_awaitable(this->log->positions(1, {}));
    ASSERT_EQ(positions.size(), 1u);
    EXPECT_EQ(positions[0].epoch, epoch);
}

TYPED_TEST_P(MessageLogConformance, AcknowledgeOnlyMovesForward) {
    const auto group = Conversation::group(8);
    for (int i = 0; i < 4; ++i) {
        this->append(group, 2, 0, "m");
    }
    run_awaitable(this->log->acknowledge(1, group, 3));
    run_awaitable(this->log->acknowledge(1, group, 2));
    const auto positions = run_awaitable(this->log->positions(1, {8}));
    ASSERT_EQ(positions.size(), 1u);
    EXPECT_EQ(positions[0].acked, 3u);
    EXPECT_EQ(positions[0].last_seq, 4u);
}

TYPED_TEST_P(MessageLogConformance, PositionsIncludeGroupsTheUserHasAPositionIn) {
    this->append(Conversation::group(20), 2, 0, "before the join");
    // A join records the member's starting position; from then on the group is theirs.
    run_awaitable(this->log->acknowledge(1, Conversation::group(20), 1));
    this->append(Conversation::group(20), 2, 0, "after");
    const auto positions = run_awaitable(this->log->positions(1, {20}));
    ASSERT_EQ(positions.size(), 1u) << "listed once, though both given and held";
    EXPECT_EQ(positions[0].conversation, Conversation::group(20));
    EXPECT_EQ(positions[0].acked, 1u);
    EXPECT_EQ(positions[0].last_seq, 2u);
    EXPECT_TRUE(run_awaitable(this->log->positions(1, {})).size() == 1u);
}

TYPED_TEST_P(MessageLogConformance, EachReadSeesEveryEarlierWrite) {
    const Conversation ab = Conversation::direct(1, 2);
    this->append(ab, 1, 0, "one");
    run_awaitable(this->log->acknowledge(2, ab, 1));
    ASSERT_EQ(run_awaitable(this->log->positions(2, {})).at(0).acked, 1u);
    // A read left nothing open that would pin it to what the log held then.
    this->append(ab, 1, 0, "two");
    run_awaitable(this->log->acknowledge(2, ab, 2));
    const auto later = run_awaitable(this->log->positions(2, {}));
    EXPECT_EQ(later.at(0).acked, 2u);
    EXPECT_EQ(later.at(0).last_seq, 2u);
    EXPECT_EQ(run_awaitable(this->log->read(ab, 0, 10)).messages.size(), 2u);
}

TYPED_TEST_P(MessageLogConformance, AppendsCarryTheLogsEpoch) {
    const Conversation ab = Conversation::direct(1, 2);
    const AppendResult first = this->append(ab, 1, 5, "x");
    const AppendResult again = this->append(ab, 1, 5, "x");
    const auto epoch = run_awaitable(this->log->read(ab, 0, 1)).epoch;
    EXPECT_NE(epoch, 0u);
    EXPECT_EQ(first.epoch, epoch);
    EXPECT_EQ(again.epoch, epoch);
}

TYPED_TEST_P(MessageLogConformance, PositionsListDirectConversationsAndTheGivenGroups) {
    this->append(Conversation::direct(1, 2), 1, 0, "a");
    this->append(Conversation::direct(1, 2), 2, 0, "b");
    this->append(Conversation::direct(3, 1), 3, 0, "c");
    this->append(Conversation::direct(2, 3), 2, 0, "not 1's");
    this->append(Conversation::group(10), 2, 0, "g");
    this->append(Conversation::group(11), 2, 0, "not given");
    run_awaitable(this->log->acknowledge(1, Conversation::direct(1, 2), 1));

    auto positions = run_awaitable(this->log->positions(1, {10, 12}));
    std::sort(positions.begin(), positions.end(),
              [](const auto& a, const auto& b) { return a.conversation < b.conversation; });
    ASSERT_EQ(positions.size(), 4u);
    EXPECT_EQ(positions[0].conversation, Conversation::direct(1, 2));
    EXPECT_EQ(positions[0].last_seq, 2u);
    EXPECT_EQ(positions[0].acked, 1u);
    EXPECT_EQ(positions[1].conversation, Conversation::direct(1, 3));
    EXPECT_EQ(positions[1].last_seq, 1u);
    EXPECT_EQ(positions[1].acked, 0u);
    EXPECT_EQ(positions[2].conversation, Conversation::group(10));
    EXPECT_EQ(positions[2].last_seq, 1u);
    EXPECT_EQ(positions[3].conversation, Conversation::group(12));
    EXPECT_EQ(positions[3].last_seq, 0u);
    EXPECT_EQ(positions[3].first_seq, 1u);
}

TYPED_TEST_P(MessageLogConformance, RetentionByCountDropsTheOldest) {
    const auto ab = Conversation::direct(1, 2);
    for (int i = 1; i <= 7; ++i) {  // the suite keeps 5 per conversation
        this->append(ab, 1, 0, "m" + std::to_string(i));
    }
    const MessagePage page = run_awaitable(this->log->read(ab, 0, 10));
    EXPECT_THAT(seqs_of(page), ElementsAre(3u, 4u, 5u, 6u, 7u));
    EXPECT_EQ(page.first_seq, 3u);
    EXPECT_EQ(page.last_seq, 7u);
    EXPECT_THAT(seqs_of(run_awaitable(this->log->read_back(ab, 4, 10))), ElementsAre(3u));
    const auto positions = run_awaitable(this->log->positions(1, {}));
    ASSERT_EQ(positions.size(), 1u);
    EXPECT_EQ(positions[0].first_seq, 3u);
}

TYPED_TEST_P(MessageLogConformance, ConcurrentAppendersGetGapFreeUniqueSequences) {
    constexpr int kPerThread = 200;
    const auto group = Conversation::group(1);
    const auto direct = Conversation::direct(1, 2);
    std::vector<std::vector<std::uint64_t>> seqs(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([this, t, &seqs, group, direct] {
            // Many appends in flight on each thread's own loop, as a node's loops do.
            asio::io_context io;
            for (int i = 0; i < kPerThread; ++i) {
                asio::co_spawn(
                    io,
                    [](MessageLog& target, Conversation to, std::vector<std::uint64_t>& out,
                       UserId sender) -> asio::awaitable<void> {
                        // Named first: GCC 12 destroys a temporary argument inside co_await twice.
                        Frame frame = text_frame(sender, "x");
                        const AppendResult result =
                            co_await target.append(to, sender, 0, std::move(frame));
                        out.push_back(result.seq);
                    }(*this->log, i % 2 == 0 ? group : direct, seqs[static_cast<std::size_t>(t)],
                                      static_cast<UserId>(t + 1)),
                    asio::detached);
            }
            io.run();
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    // Both conversations got kPerThread appends in all; each must hold 1..kPerThread once.
    const auto last_of = [this](Conversation conversation) {
        return run_awaitable(this->log->read(conversation, 0, 1)).last_seq;
    };
    EXPECT_EQ(last_of(group), static_cast<std::uint64_t>(kPerThread));
    EXPECT_EQ(last_of(direct), static_cast<std::uint64_t>(kPerThread));
    std::vector<std::uint64_t> all = seqs[0];
    all.insert(all.end(), seqs[1].begin(), seqs[1].end());
    ASSERT_EQ(all.size(), 2u * kPerThread);
    std::sort(all.begin(), all.end());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i], i / 2 + 1) << "each seq once per conversation";
    }
}

TYPED_TEST_P(MessageLogConformance, AppendsInFlightTogetherKeepTheirOrderAndAResendIsOneMessage) {
    // One loop starts every append before any completes, as a session pipelining its chat
    // messages does; id 2 is sent again while its first append is still out.
    const auto ab = Conversation::direct(1, 2);
    const std::vector<std::uint64_t> ids{1, 2, 2, 3, 4};
    std::vector<AppendResult> results(ids.size());
    asio::io_context io;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        asio::co_spawn(
            io,
            [](MessageLog& target, Conversation to, std::uint64_t id,
               AppendResult& out) -> asio::awaitable<void> {
                Frame frame = text_frame(1, "m" + std::to_string(id));
                out = co_await target.append(to, 1, id, std::move(frame));
            }(*this->log, ab, ids[i], results[i]),
            asio::detached);
    }
    io.run();

    EXPECT_EQ(results[1].duplicate + results[2].duplicate, 1) << "id 2 is one message";
    EXPECT_EQ(results[1].seq, results[2].seq);
    EXPECT_EQ(results[1].server_msg_id, results[2].server_msg_id);
    const MessagePage page = run_awaitable(this->log->read(ab, 0, 10));
    ASSERT_EQ(page.messages.size(), 4u) << "the resend in flight was stored as well";
    if (!this->log->keeps_append_order()) {
        return;  // a log that does not say so may store them in any order
    }
    EXPECT_FALSE(results[1].duplicate) << "the first of the two is the one stored";
    EXPECT_THAT(std::vector<std::uint64_t>(
                    {results[0].seq, results[1].seq, results[3].seq, results[4].seq}),
                ElementsAre(1u, 2u, 3u, 4u));
    std::vector<std::string> texts;
    for (const StoredMessage& message : page.messages) {
        texts.push_back(text_of(message.frame));
    }
    EXPECT_THAT(texts, ElementsAre("m1", "m2", "m3", "m4"));
}

TYPED_TEST_P(MessageLogConformance, ManyAppendsInFlightKeepTheOrderOfEachConversation) {
    // Every log here keeps the order of appends: sessions pipeline their chat messages on each.
    ASSERT_TRUE(this->log->keeps_append_order());
    // A pipelining session's appends to three conversations, interleaved, all started before any
    // completes: a log spreading them over several connections must still store each
    // conversation's messages in the order they were called.
    const std::vector<Conversation> conversations{
        Conversation::direct(1, 2), Conversation::direct(1, 3), Conversation::group(7)};
    constexpr std::size_t kAppends = 300;
    std::vector<AppendResult> results(kAppends);
    asio::io_context io;
    for (std::size_t i = 0; i < kAppends; ++i) {
        asio::co_spawn(
            io,
            [](MessageLog& target, Conversation to, std::uint64_t id,
               AppendResult& out) -> asio::awaitable<void> {
                Frame frame = text_frame(1, "m" + std::to_string(id));
                out = co_await target.append(to, 1, id, std::move(frame));
            }(*this->log, conversations[i % conversations.size()], i + 1, results[i]),
            asio::detached);
    }
    io.run();

    for (std::size_t c = 0; c < conversations.size(); ++c) {
        std::uint64_t expected_seq = 1;
        for (std::size_t i = c; i < kAppends; i += conversations.size()) {
            EXPECT_EQ(results[i].seq, expected_seq++) << "append " << i + 1;
        }
        // Retention keeps the last few: they are the last ones called, in call order.
        const MessagePage page = run_awaitable(this->log->read(conversations[c], 0, 10));
        std::vector<std::string> texts;
        std::vector<std::string> expected;
        for (const StoredMessage& message : page.messages) {
            texts.push_back(text_of(message.frame));
        }
        for (std::size_t i = kAppends - page.messages.size() * conversations.size() + c;
             i < kAppends; i += conversations.size()) {
            expected.push_back("m" + std::to_string(i + 1));
        }
        EXPECT_EQ(texts, expected);
    }
}

REGISTER_TYPED_TEST_SUITE_P(MessageLogConformance, SequencesCountFromOnePerConversation,
                            ServerMessageIdsAreUnique, DirectConversationIsTheSameFromEitherEnd,
                            DuplicateReturnsTheFirstAppendAndStoresNothing,
                            ClientMessageIdZeroIsNeverDeduplicated,
                            ReadReturnsMessagesAfterInOrderUpToLimit,
                            ReadOfAnUnknownConversationIsEmpty, ReadBackPagesNewestFirst,
                            PagesCarryOneEpoch, AcknowledgeOnlyMovesForward,
                            PositionsListDirectConversationsAndTheGivenGroups,
                            PositionsIncludeGroupsTheUserHasAPositionIn, AppendsCarryTheLogsEpoch,
                            EachReadSeesEveryEarlierWrite, RetentionByCountDropsTheOldest,
                            ConcurrentAppendersGetGapFreeUniqueSequences,
                            AppendsInFlightTogetherKeepTheirOrderAndAResendIsOneMessage,
                            ManyAppendsInFlightKeepTheOrderOfEachConversation);

struct BackendName {
    template <typename Backend>
    static std::string GetName(int) {
        return Backend::kName;
    }
};

using Backends = ::testing::Types<MemoryBackend, SqliteBackend, RedisBackend>;
INSTANTIATE_TYPED_TEST_SUITE_P(message_log, MessageLogConformance, Backends, BackendName);

}  // namespace
}  // namespace parley::test
