// Reliable delivery end to end (docs/protocol.md, section 12): a real parleyd with the sqlite
// message log, real clients over loopback. Offline recipients, reconnects mid-stream, resends,
// slow readers and a SIGKILLed node lose nothing and repeat nothing.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <parley.pb.h>

#include "integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

constexpr UserId kAlice = 1;
constexpr UserId kBob = 2;

/// What a client saw of one conversation: seqs in arrival order.
struct Received {
    std::vector<std::uint64_t> seqs;
    std::vector<std::string> texts;
    std::optional<wire::SyncDone> done;
};

class DeliveryTest : public NodeTest {
  protected:
    void SetUp() override {
        config.extra_handlers = {"sync"};
        config.extra_yaml = "message_log: {plugin: sqlite, settings: {path: \"" +
                            (dir.path() / "messages.db").string() + "\"}}\n";
    }

    /// Logs in asking for a sync, with `from` as the position in the chat with alice.
    std::unique_ptr<RawClient> login_with_sync(UserId user, std::uint64_t from = 0) {
        auto client = connect();
        wire::Handshake hello;
        hello.set_user_id(user);
        hello.set_token("test-token");
        hello.set_sync(true);
        if (from != 0) {
            wire::Position* position = hello.add_positions();
            position->set_kind(wire::DIRECT);
            position->set_peer(kAlice);
            position->set_seq(from);
        }
        EXPECT_TRUE(client->send_frame(FrameType::handshake, kNoUser, kNoUser, hello));
        const auto ok = client->read_frame();
        EXPECT_TRUE(ok && ok->type() == FrameType::handshake) << "login refused";
        return client;
    }

    /// Sends private message `id` from alice to bob and returns the ACK.
    wire::Ack send(RawClient& from, UserId to, std::uint64_t id, const std::string& text) {
        EXPECT_TRUE(from.send_frame(FrameType::private_message, kNoUser, to, chat(id, text)));
        wire::Ack ack;
        const auto reply = read_until(from, FrameType::ack);
        EXPECT_TRUE(reply && reply->parse_body(ack)) << "no ACK for " << id;
        return ack;
    }

    /// Reads private messages until `count` have arrived (with `until_done`: until SYNC DONE,
    /// which follows every replayed message), or the time-out.
    static void collect(RawClient& client, Received& into, std::size_t count,
                        std::chrono::milliseconds timeout = 5s, bool until_done = false) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while ((until_done ? !into.done : into.seqs.size() < count) &&
               std::chrono::steady_clock::now() < deadline) {
            const auto frame = client.read_frame(100ms);
            if (!frame) {
                continue;
            }
            if (frame->type() == FrameType::sync) {
                wire::SyncDone done;
                ASSERT_TRUE(frame->parse_body(done));
                into.done = done;
            } else if (frame->type() == FrameType::private_message) {
                wire::ChatMessage message;
                ASSERT_TRUE(frame->parse_body(message));
                into.seqs.push_back(message.seq());
                into.texts.push_back(message.content());
            }
        }
    }

    static std::vector<std::uint64_t> one_to(std::uint64_t n) {
        std::vector<std::uint64_t> out;
        for (std::uint64_t i = 1; i <= n; ++i) {
            out.push_back(i);
        }
        return out;
    }
};

TEST_F(DeliveryTest, AnOfflineRecipientGetsEverythingAtLoginInOrder) {
    start();
    auto alice = login(kAlice);
    for (std::uint64_t id = 1; id <= 30; ++id) {
        const wire::Ack ack = send(*alice, kBob, id, "m" + std::to_string(id));
        EXPECT_EQ(ack.seq(), id) << "stored and numbered, not refused: bob is offline";
        EXPECT_NE(ack.epoch(), 0u);
    }
    auto bob = login_with_sync(kBob);
    Received got;
    collect(*bob, got, 30, 5s, true);
    EXPECT_EQ(got.seqs, one_to(30));
    EXPECT_EQ(got.texts.front(), "m1");
    EXPECT_EQ(got.texts.back(), "m30");
    ASSERT_TRUE(got.done.has_value()) << "SYNC DONE follows the replay";
    ASSERT_EQ(got.done->streams_size(), 1);
    EXPECT_EQ(got.done->streams(0).peer(), kAlice);
    EXPECT_EQ(got.done->streams(0).delivered(), 30u);
    EXPECT_EQ(got.done->streams(0).unread(), 30u);
    EXPECT_FALSE(got.done->more());
}

TEST_F(DeliveryTest, AResendIsAckedAgainWithTheFirstNumbersAndDeliveredOnce) {
    start();
    auto alice = login(kAlice);
    auto bob = login(kBob);
    const wire::Ack first = send(*alice, kBob, 77, "once");
    const wire::Ack again = send(*alice, kBob, 77, "once");
    EXPECT_FALSE(first.duplicate());
    EXPECT_TRUE(again.duplicate());
    EXPECT_EQ(again.seq(), first.seq());
    EXPECT_EQ(again.server_msg_id(), first.server_msg_id());
    Received got;
    collect(*bob, got, 2, 1s);
    EXPECT_EQ(got.seqs, std::vector<std::uint64_t>{first.seq()});
}

TEST_F(DeliveryTest, ReconnectingMidStreamSeesNoGapAndNoDuplicate) {
    start();
    auto alice = login(kAlice);
    auto bob = login(kBob);
    for (std::uint64_t id = 1; id <= 40; ++id) {
        send(*alice, kBob, id, "before");
    }
    Received first;
    collect(*bob, first, 15);
    ASSERT_EQ(first.seqs, one_to(15));
    bob->close();                        // the rest of the 40 is lost with the connection
    std::this_thread::sleep_for(100ms);  // the server notices the close

    // Alice keeps sending while bob comes back: the live stream and the replay meet.
    std::atomic<bool> sending{true};
    std::thread writer([&] {
        for (std::uint64_t id = 41; id <= 140; ++id) {
            send(*alice, kBob, id, "during");
        }
        sending = false;
    });
    std::this_thread::sleep_for(20ms);
    auto again = login_with_sync(kBob, 15);
    Received second;
    collect(*again, second, 125, 15s);
    writer.join();
    collect(*again, second, 125, 2s);
    std::vector<std::uint64_t> expected;
    for (std::uint64_t seq = 16; seq <= 140; ++seq) {
        expected.push_back(seq);
    }
    EXPECT_EQ(second.seqs, expected) << "every seq after 15 once, in order";
}

TEST_F(DeliveryTest, ASlowConsumerLosesNothing) {
    config.max_frame_size = "16KiB";
    config.write_queue_limit = "64KiB";
    start();
    auto alice = login(kAlice);
    auto bob = login(kBob);  // and never reads
    const std::string big(12000, 'x');
    // Far more than the kernel's socket buffers and the write limit together.
    constexpr std::uint64_t kSent = 1500;
    for (std::uint64_t id = 1; id <= kSent; ++id) {
        ASSERT_EQ(send(*alice, kBob, id, big).seq(), id);
    }
    // The node closed bob, who did not read. Its GOODBYE waits behind what filled his socket
    // and is given close_linger to get out: on a busy machine the sends above can outlast
    // that, and then bob sees only the end of the stream.
    std::vector<Frame> frames;
    ASSERT_TRUE(bob->read_until_closed(20s, &frames)) << "the node did not close bob";
    ASSERT_FALSE(frames.empty());
    if (frames.back().type() == FrameType::goodbye) {
        wire::Goodbye body;
        ASSERT_TRUE(frames.back().parse_body(body));
        EXPECT_EQ(body.code(), static_cast<std::uint32_t>(ErrorCode::slow_consumer));
    }
    bob.reset();
    std::this_thread::sleep_for(100ms);

    auto again = login_with_sync(kBob);
    Received got;
    collect(*again, got, kSent, 30s, true);
    while (got.done && got.done->more() && got.seqs.size() < kSent) {
        // A round replays at most 1000 messages: ask for the rest.
        got.done.reset();
        wire::SyncRequest more;
        more.set_client_msg_id(1);
        wire::Position* position = more.add_positions();  // what bob holds now
        position->set_kind(wire::DIRECT);
        position->set_peer(kAlice);
        position->set_seq(got.seqs.back());
        ASSERT_TRUE(again->send_frame(FrameType::sync, kNoUser, kNoUser, more));
        collect(*again, got, kSent, 30s, true);
    }
    EXPECT_EQ(got.seqs, one_to(kSent));
}

TEST_F(DeliveryTest, AcknowledgedPositionsDecideWhatIsReplayed) {
    start();
    auto alice = login(kAlice);
    for (std::uint64_t id = 1; id <= 10; ++id) {
        send(*alice, kBob, id, "m");
    }
    {
        auto bob = login_with_sync(kBob);
        Received got;
        collect(*bob, got, 10);
        ASSERT_EQ(got.seqs, one_to(10));
        wire::Received received;
        wire::Position* position = received.add_positions();
        position->set_kind(wire::DIRECT);
        position->set_peer(kAlice);
        position->set_seq(7);
        ASSERT_TRUE(bob->send_frame(FrameType::received, kNoUser, kNoUser, received));
        ASSERT_TRUE(still_serves(*bob));  // RECEIVED was handled before the echo
    }
    std::this_thread::sleep_for(100ms);  // the server notices the close
    auto bob = login_with_sync(kBob);
    Received got;
    collect(*bob, got, 3);
    EXPECT_EQ(got.seqs, (std::vector<std::uint64_t>{8, 9, 10}));
}

TEST_F(DeliveryTest, HistoryPagesBackwardsNewestFirst) {
    start();
    auto alice = login(kAlice);
    for (std::uint64_t id = 1; id <= 12; ++id) {
        send(*alice, kBob, id, "h" + std::to_string(id));
    }
    wire::HistoryRequest request;
    request.set_client_msg_id(5);
    request.set_kind(wire::DIRECT);
    request.set_peer(kBob);
    request.set_limit(5);
    ASSERT_TRUE(alice->send_frame(FrameType::history, kNoUser, kNoUser, request));
    const auto reply = read_until(*alice, FrameType::history);
    wire::HistoryPage page;
    ASSERT_TRUE(reply && reply->parse_body(page));
    EXPECT_EQ(page.client_msg_id(), 5u);
    ASSERT_EQ(page.frames_size(), 5);
    std::vector<std::uint64_t> seqs;
    for (const std::string& bytes : page.frames()) {
        ASSERT_GT(bytes.size(), kFrameHeaderSize);
        wire::ChatMessage message;
        ASSERT_TRUE(message.ParseFromArray(bytes.data() + kFrameHeaderSize,
                                           static_cast<int>(bytes.size() - kFrameHeaderSize)));
        seqs.push_back(message.seq());
    }
    EXPECT_EQ(seqs, (std::vector<std::uint64_t>{12, 11, 10, 9, 8}));
}

TEST_F(DeliveryTest, ASigkilledNodeKeepsEveryAckedMessage) {
    start();
    std::uint64_t acked = 0;
    {
        auto alice = login(kAlice);
        for (std::uint64_t id = 1; id <= 50; ++id) {
            if (send(*alice, kBob, id, "durable").seq() == id) {
                acked = id;
            }
        }
    }
    daemon->kill9();
    start();  // the same configuration, the same database file
    auto bob = login_with_sync(kBob);
    Received got;
    collect(*bob, got, acked);
    EXPECT_EQ(got.seqs, one_to(acked));
}

TEST_F(DeliveryTest, ASigtermWhileAppendsAreQueuedExitsCleanlyAndKeepsEveryAckedMessage) {
    // Senders keep the log's writer busy as the node shuts down: it must still exit 0 (a
    // result arriving after the loops are gone once aborted or hung it), and every message it
    // ACKed must be there after the restart. Several rounds: the race is in the timing.
    constexpr UserId kFirstSender = 100;
    constexpr int kSenders = 12;
    constexpr std::uint64_t kPerSender = 200;
    // Small batches, each fsynced: the writer is still behind when the loops go.
    config.extra_yaml = "message_log: {plugin: sqlite, settings: {max_batch: 4, path: \"" +
                        (dir.path() / "messages.db").string() + "\"}}\n";
    std::set<std::string> acked;
    for (int round = 0; round < 3; ++round) {
        start();
        std::vector<std::unique_ptr<RawClient>> senders;
        for (int i = 0; i < kSenders; ++i) {
            senders.push_back(login(kFirstSender + static_cast<UserId>(i)));
        }
        // Ids new in every round: a repeated one would be a resend, stored once.
        const std::uint64_t first_id = 1 + static_cast<std::uint64_t>(round) * kPerSender;
        for (std::uint64_t id = first_id; id < first_id + kPerSender; ++id) {
            for (int i = 0; i < kSenders; ++i) {
                const auto text = std::to_string(i) + "/" + std::to_string(id);
                ASSERT_TRUE(senders[static_cast<std::size_t>(i)]->send_frame(
                    FrameType::private_message, kNoUser, kBob, chat(id, text)));
            }
        }
        // Appends are flowing (one is ACKed) before the signal, however busy the machine.
        const auto first = read_until(*senders.front(), FrameType::ack, 10s);
        wire::Ack first_ack;
        ASSERT_TRUE(first && first->parse_body(first_ack)) << "no ACK in round " << round;
        acked.insert("0/" + std::to_string(first_ack.client_msg_id()));
        daemon->send_signal(SIGTERM);
        // Like any client: hang up on the GOODBYE, while the node's appends are still queued.
        for (int i = 0; i < kSenders; ++i) {
            auto& sender = senders[static_cast<std::size_t>(i)];
            while (const auto frame = sender->read_frame(5s)) {
                wire::Ack ack;
                if (frame->type() == FrameType::goodbye) {
                    break;
                }
                if (frame->type() == FrameType::ack && frame->parse_body(ack)) {
                    acked.insert(std::to_string(i) + "/" + std::to_string(ack.client_msg_id()));
                }
            }
            sender.reset();
        }
        const auto status = daemon->wait_exit(15s);
        ASSERT_TRUE(status.has_value()) << "parleyd did not exit (round " << round << ")";
        EXPECT_EQ(*status, 0) << "round " << round << "\n" << daemon->log_text();
    }
    start();
    auto bob = login(kBob);
    wire::SyncRequest sync;  // one round for everything: at most 7,200 were sent
    sync.set_client_msg_id(1);
    sync.set_limit(10000);
    ASSERT_TRUE(bob->send_frame(FrameType::sync, kNoUser, kNoUser, sync));
    std::set<std::string> stored;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto frame = bob->read_frame(200ms);
        if (!frame) {
            continue;
        }
        if (frame->type() == FrameType::sync) {
            wire::SyncDone done;
            ASSERT_TRUE(frame->parse_body(done));
            EXPECT_FALSE(done.more());
            break;
        }
        wire::ChatMessage message;
        if (frame->type() == FrameType::private_message && frame->parse_body(message)) {
            stored.insert(message.content());
        }
    }
    std::vector<std::string> missing;
    std::ranges::set_difference(acked, stored, std::back_inserter(missing));
    EXPECT_TRUE(missing.empty()) << missing.size() << " ACKed messages missing after restarts";
}

TEST_F(DeliveryTest, WithoutAMessageLogTheOldRulesHold) {
    config.extra_yaml.clear();
    start();
    auto alice = login(kAlice);
    ASSERT_TRUE(
        alice->send_frame(FrameType::private_message, kNoUser, kBob, chat(1, "nobody home")));
    EXPECT_TRUE(alice->expect_error(ErrorCode::recipient_unavailable));
    wire::SyncRequest sync;
    ASSERT_TRUE(alice->send_frame(FrameType::sync, kNoUser, kNoUser, sync));
    EXPECT_TRUE(alice->expect_error(ErrorCode::unknown_type));
}

}  // namespace
}  // namespace parley::test
