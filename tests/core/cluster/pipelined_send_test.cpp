// A pipelined private message (Router::send_to_user_pipelined) lets the sender's next message
// start as soon as it cannot be overtaken: queued on a transport that publishes in order, handed
// to a session here, or known to be offline. On a transport that does not keep the order of
// publishes the next message waits for the acknowledgement, as before.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/handler.hpp>

#include "cluster/group_fan_out.hpp"
#include "cluster/router.hpp"
#include "core/net/session_harness.hpp"
#include "support/empty_store.hpp"
#include "support/receiving_session.hpp"

namespace parley::cluster {
namespace {

using ::testing::ElementsAre;

constexpr UserId kElsewhere = 9;  // logged in on node-2
constexpr UserId kHere = 7;       // logged in on this node

/// Answers a locate only when the test says so, as a store on the network would.
class OneRemoteUserStore final : public test::EmptyStore {
  public:
    explicit OneRemoteUserStore(asio::io_context& io) : answer_(io) {
        answer_.expires_at(asio::steady_timer::time_point::max());
    }
    asio::awaitable<std::optional<SessionRecord>> locate(UserId user) override {
        boost::system::error_code cancelled;
        co_await answer_.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
        if (user == kElsewhere) {
            co_return SessionRecord{user, "node-2", 3};
        }
        co_return std::nullopt;
    }
    void answer() { answer_.cancel(); }

  private:
    asio::steady_timer answer_;
};

/// Records the order of what happens: "let" when the next request may start, "queued" when a
/// publish was handed to the transport, "acked" when the transport acknowledged it.
using Events = std::vector<std::string>;

/// Queues each publish at once and acknowledges it when the test says so.
class HeldTransport final : public Transport {
  public:
    HeldTransport(asio::io_context& io, Events& events, bool in_order)
        : ack_(io), events_(events), in_order_(in_order) {
        ack_.expires_at(asio::steady_timer::time_point::max());
    }
    void start(const std::string&, TransportListener&) override {}
    asio::awaitable<void> publish_to_node(std::string, Envelope) override {
        events_.push_back("queued");
        boost::system::error_code cancelled;
        co_await ack_.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
        events_.push_back("acked");
    }
    asio::awaitable<void> publish_to_group(GroupId, Frame) override { co_return; }
    void stop() override {}
    bool publishes_in_order() const override { return in_order_; }

    void acknowledge() { ack_.cancel(); }

  private:
    asio::steady_timer ack_;
    Events& events_;
    bool in_order_;
};

class CountingSession final : public test::ReceivingSession {
  public:
    using ReceivingSession::ReceivingSession;
    void send(Frame) override { ++got; }
    int got = 0;
};

class RecordingOrder final : public RequestOrder {
  public:
    explicit RecordingOrder(Events& events) : events_(events) {}
    void let_next_start() override { events_.push_back("let"); }
    asio::awaitable<void> wait_turn() override { co_return; }

  private:
    Events& events_;
};

class PipelinedSendTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        directory.insert(kHere, here);
        loops.start();
    }
    void TearDown() override {
        loops.stop();
        loops.join();
    }

    /// Starts a pipelined send to `recipient` and runs the loop until it waits for the store.
    void start_send(UserId recipient) {
        const std::uint8_t body[] = {1};
        Frame frame = Frame::make(FrameType::private_message, 5, recipient, body);
        asio::co_spawn(io, router.send_to_user_pipelined(recipient, std::move(frame), 11, ctx),
                       [this](const std::exception_ptr& error, Delivery delivery) {
                           failed = error != nullptr;
                           result = delivery;
                       });
        io.restart();
        io.poll();
    }
    void answer_locate() {
        store.answer();
        io.restart();
        io.poll();
    }
    void finish() {
        transport.acknowledge();
        io.restart();
        io.poll();
    }

    asio::io_context io;
    Events events;
    OneRemoteUserStore store{io};
    HeldTransport transport{io, events, GetParam()};
    LocalDirectory directory;
    net::LoopPool loops{1};
    FanOutBacklog backlog{config::FanOutLimits{}};
    GroupFanOut groups{directory, store, loops, backlog};
    ClusterRouter router{"node-1", directory, store, transport, groups, backlog};
    net::testing::NoNode node;  // the router never asks it
    RecordingOrder order{events};
    RequestContext ctx{nullptr, node, 0, &order};
    std::shared_ptr<CountingSession> here = std::make_shared<CountingSession>(kHere);
    std::optional<Delivery> result;
    bool failed = false;
};

TEST_P(PipelinedSendTest, TheRouterSendsInOrderExactlyWhenItsTransportPublishesInOrder) {
    EXPECT_EQ(router.sends_in_order(), GetParam());
    // Alone in the registry, nothing is published: nothing to pipeline on.
    ServiceInstance self;
    self.service = "parley.im";
    self.id = "node-1";
    router.on_nodes({self});
    EXPECT_FALSE(router.sends_in_order());
    ServiceInstance other = self;
    other.id = "node-2";
    router.on_nodes({self, other});
    EXPECT_EQ(router.sends_in_order(), GetParam());
}

TEST_P(PipelinedSendTest, ARemoteMessageLetsTheNextStartBeforeItsAcknowledgementOnlyInOrder) {
    start_send(kElsewhere);
    EXPECT_THAT(events, ::testing::IsEmpty()) << "the next waits while the store is asked";
    answer_locate();
    ASSERT_FALSE(result) << "waits for the transport's acknowledgement";
    if (GetParam()) {
        // Let go right before the publish, which queues before it first suspends.
        EXPECT_THAT(events, ElementsAre("let", "queued"));
    } else {
        EXPECT_THAT(events, ElementsAre("queued")) << "the next message waits for the ack";
    }
    finish();
    ASSERT_TRUE(result);
    EXPECT_FALSE(failed);
    EXPECT_EQ(*result, Delivery::remote);
    EXPECT_EQ(events.back(), "acked");
    EXPECT_EQ(std::count(events.begin(), events.end(), "let"), GetParam() ? 1 : 0);
}

TEST_P(PipelinedSendTest, ALocalOrOfflineRecipientLetsTheNextStartAtOnce) {
    start_send(kHere);
    ASSERT_TRUE(result);
    EXPECT_EQ(*result, Delivery::local);
    EXPECT_EQ(here->got, 1);
    EXPECT_THAT(events, ElementsAre("let"));

    events.clear();
    result.reset();
    start_send(42);  // nobody
    EXPECT_THAT(events, ::testing::IsEmpty());
    answer_locate();
    ASSERT_TRUE(result);
    EXPECT_EQ(*result, Delivery::offline);
    EXPECT_THAT(events, ElementsAre("let"));
}

INSTANTIATE_TEST_SUITE_P(Transports, PipelinedSendTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                             return param.param ? std::string("InOrder") : std::string("Unordered");
                         });

}  // namespace
}  // namespace parley::cluster
