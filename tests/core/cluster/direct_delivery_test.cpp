// Messages that reach a node their recipient is not logged in on: forwarded to where the Store
// says the recipient is, sent again to a node that is away, or reported undeliverable.
#include "cluster/direct_delivery.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/router.hpp"
#include "support/empty_store.hpp"

namespace parley::cluster {
namespace {

using namespace std::chrono_literals;

/// Sessions as the test sets them; no groups.
class RecordStore final : public test::EmptyStore {
  public:
    asio::awaitable<std::optional<SessionRecord>> locate(UserId user) override {
        const std::lock_guard lock(mutex);
        const auto found = records.find(user);
        co_return found == records.end() ? std::nullopt : std::optional{found->second};
    }

    void set(UserId user, const std::string& node, std::uint64_t epoch) {
        const std::lock_guard lock(mutex);
        records[user] = SessionRecord{user, node, epoch};
    }

    std::mutex mutex;
    std::map<UserId, SessionRecord> records;
};

struct Published {
    std::string node;
    Envelope envelope;
};

class RecordingTransport final : public Transport {
  public:
    void start(const std::string&, TransportListener&) override {}
    asio::awaitable<void> publish_to_node(std::string node, Envelope envelope) override {
        const std::lock_guard lock(mutex_);
        published_.push_back(Published{std::move(node), std::move(envelope)});
        changed_.notify_all();
        co_return;
    }
    asio::awaitable<void> publish_to_group(GroupId, Frame) override { co_return; }
    void adopt_route(const std::string&) override {}
    void release_route(const std::string&) override {}
    void stop() override {}

    /// What was published once `count` envelopes were, or after 5 s.
    std::vector<Published> wait_for(std::size_t count) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, 5s, [&] { return published_.size() >= count; });
        return published_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Published> published_;
};

constexpr UserId kSender = 3;
constexpr UserId kRecipient = 5;

Envelope message(std::uint64_t session_epoch, std::uint8_t hops) {
    const std::uint8_t body[] = {1};
    Envelope envelope;
    envelope.kind = Envelope::Kind::deliver;
    envelope.recipient = kRecipient;
    envelope.session_epoch = session_epoch;
    envelope.frame = Frame::make(FrameType::private_message, kSender, kRecipient, body);
    envelope.hops = hops;
    envelope.ref_id = 77;
    return envelope;
}

/// This is node n1; the sender is logged in on n3, so a 1005 for it is published there.
class DirectDeliveryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        store.set(kSender, "n3", 4);
        loops.start();
    }
    void TearDown() override {
        loops.stop();
        loops.join();
    }

    static bool is_undelivered_notice(const Published& p) {
        return p.node == "n3" && p.envelope.recipient == kSender &&
               p.envelope.frame.type() == FrameType::error;
    }

    LocalDirectory directory;
    RecordStore store;
    RecordingTransport transport;
    net::LoopPool loops{1};
    FanOutBacklog backlog{config::FanOutLimits{}};
    GroupFanOut groups{directory, store, loops, backlog};
    ClusterRouter router{"n1", directory, store, transport, groups, backlog};
    DirectDelivery delivery{"n1", directory, store, router, transport, loops};
};

TEST_F(DirectDeliveryTest, SendsAgainToANodeThatIsAwayInsteadOfReportingItUndelivered) {
    // Forwarded once to n2, where the recipient's session 9 is, and consumed again here: n1
    // adopted the route of n2, which is paused. The recipient never left n2.
    store.set(kRecipient, "n2", 9);
    delivery.on_envelope(message(9, 1));
    const auto published = transport.wait_for(1);
    ASSERT_EQ(published.size(), 1u);
    EXPECT_EQ(published[0].node, "n2");
    EXPECT_EQ(published[0].envelope.recipient, kRecipient);
    EXPECT_EQ(published[0].envelope.hops, 2);
}

TEST_F(DirectDeliveryTest, ForwardsAgainToTheNodeTheRecipientMovedTo) {
    store.set(kRecipient, "n2", 11);
    delivery.on_envelope(message(9, 1));
    const auto published = transport.wait_for(1);
    ASSERT_EQ(published.size(), 1u);
    EXPECT_EQ(published[0].node, "n2");
    EXPECT_EQ(published[0].envelope.session_epoch, 11u);
}

TEST_F(DirectDeliveryTest, TellsTheSenderWhenTheRecipientWentOffline) {
    delivery.on_envelope(message(9, 0));
    const auto published = transport.wait_for(1);
    ASSERT_EQ(published.size(), 1u);
    EXPECT_TRUE(is_undelivered_notice(published[0]));
}

TEST_F(DirectDeliveryTest, GivesUpAfterTwentyHops) {
    store.set(kRecipient, "n2", 9);
    delivery.on_envelope(message(9, 20));
    const auto published = transport.wait_for(1);
    ASSERT_EQ(published.size(), 1u);
    EXPECT_TRUE(is_undelivered_notice(published[0]));
}

}  // namespace
}  // namespace parley::cluster
