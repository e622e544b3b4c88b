// Pipelined requests (Handler::pipelines): a chat message that has handed its append to the log
// lets the session's next frames start, up to ClientSession::kMaxPipelinedRequests at once, while
// every answer, refusal and failure still goes out in the order the frames arrived, and frames
// that may not pipeline wait for everything before them and hold up everything after them.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "core/net/session_harness.hpp"

namespace parley::net {
namespace {

using testing::body_text;
using testing::Peer;
using testing::SessionHarness;

constexpr auto kLogin = FrameType::handshake;
constexpr auto kEcho = FrameType{0x81};     // may not pipeline
constexpr auto kAppend = FrameType{0x83};   // pipelines
constexpr auto kAppend2 = FrameType{0x84};  // pipelines too, another type

class EchoHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        if (frame.type() == kLogin) {
            ctx.session->complete_login(5);
        }
        ++echoed;
        ctx.session->send(Frame::make(frame.type(), kNoUser, 5, frame.body()));
        co_return;
    }
    int echoed = 0;
};

// A chat-message handler over a log the test completes by hand, in any order: an append is
// recorded as it starts, after let_next_start(), as the real handlers do it. A body starting
// with "bad" is refused before the append; one starting with "late" waits for the test before
// its append, as a membership check on a remote store would.
class AppendHandler final : public Handler {
  public:
    explicit AppendHandler(boost::asio::io_context& loop) : loop_(loop) {
        before_append_.emplace(loop);
        before_append_->expires_at(boost::asio::steady_timer::time_point::max());
    }
    bool pipelines(const Frame& /*frame*/, Node& /*node*/) const override { return true; }

    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        const std::string body = body_text(frame);
        if (body.starts_with("bad")) {
            throw Error(ErrorCode::bad_body, "not a chat message");
        }
        boost::system::error_code ec;
        if (body.starts_with("late")) {
            co_await before_append_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        auto stored = std::make_shared<boost::asio::steady_timer>(loop_);
        stored->expires_at(boost::asio::steady_timer::time_point::max());
        appends_[body] = stored;
        ctx.let_next_start();
        started.push_back(body);  // the append is queued: nothing suspends before this
        co_await stored->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_await ctx.wait_turn();
        ctx.session->send(Frame::make(frame.type(), kNoUser, 5, frame.body()));
        ++finished;
    }

    /// The append of `body` completes.
    void store(const std::string& body) { appends_.at(body)->cancel(); }
    void let_late_ones_append() { before_append_->cancel(); }
    /// Destroys the timers while their loop is still there: the dispatcher, which holds this
    /// handler, outlives the loop.
    void forget_timers() {
        before_append_.reset();
        appends_.clear();
    }

    std::vector<std::string> started;
    int finished = 0;

  private:
    boost::asio::io_context& loop_;
    std::optional<boost::asio::steady_timer> before_append_;
    std::map<std::string, std::shared_ptr<boost::asio::steady_timer>> appends_;
};

class ClientSessionPipelineTest : public ::testing::Test {
  protected:
    ClientSessionPipelineTest() {
        dispatcher_.handlers().add(kLogin, echo_, "echo");
        dispatcher_.handlers().add(kEcho, echo_, "echo");
        dispatcher_.handlers().add(FrameType::heartbeat, echo_, "echo");
        dispatcher_.handlers().add(kAppend, appends_, "append");
        dispatcher_.handlers().add(kAppend2, appends_, "append");
        peer_ = std::make_unique<Peer>(harness_.open());
        peer_->send(kLogin, "hello");
        harness_.settle();
        EXPECT_EQ(peer_->read().size(), 1U);
    }
    ~ClientSessionPipelineTest() override { appends_->forget_timers(); }
    ClientSessionPipelineTest(const ClientSessionPipelineTest&) = delete;
    ClientSessionPipelineTest& operator=(const ClientSessionPipelineTest&) = delete;

    /// What came back since the last call: bodies, and ERRORs as "error <code> <ref_type>".
    std::vector<std::string> answers() {
        std::vector<std::string> out;
        for (const Frame& f : peer_->read()) {
            wire::ErrorBody error;
            if (f.type() == FrameType::error && f.parse_body(error)) {
                out.push_back("error " + std::to_string(error.code()) + " " +
                              std::to_string(error.ref_type()));
            } else {
                out.push_back(body_text(f));
            }
        }
        return out;
    }
    void store(const std::string& body) {
        appends_->store(body);
        harness_.settle();
    }

    dispatch::Dispatcher dispatcher_;
    SessionHarness harness_{dispatcher_};
    std::shared_ptr<EchoHandler> echo_ = std::make_shared<EchoHandler>();
    std::shared_ptr<AppendHandler> appends_ = std::make_shared<AppendHandler>(harness_.loop);
    std::unique_ptr<Peer> peer_;
};

using Strings = std::vector<std::string>;

TEST_F(ClientSessionPipelineTest, AppendsStartInOrderBeforeEarlierOnesCompleteAndAnswerInOrder) {
    for (const char* body : {"m1", "m2", "m3", "m4"}) {
        peer_->send(kAppend, body);
    }
    harness_.settle();
    EXPECT_EQ(appends_->started, (Strings{"m1", "m2", "m3", "m4"}))
        << "each append queues while the earlier ones are still out";
    EXPECT_TRUE(answers().empty());

    store("m3");  // the log may complete them in any order
    store("m4");
    EXPECT_TRUE(answers().empty()) << "m3 and m4 must not be answered before m1 and m2";
    store("m1");
    EXPECT_EQ(answers(), Strings{"m1"});
    store("m2");
    EXPECT_EQ(answers(), (Strings{"m2", "m3", "m4"}));
    EXPECT_EQ(appends_->finished, 4);

    peer_->send(kEcho, "after");  // the session reads on as usual
    harness_.settle();
    EXPECT_EQ(answers(), Strings{"after"});
}

TEST_F(ClientSessionPipelineTest, RefusalsAndFailuresOfLaterFramesWaitForEarlierAnswers) {
    peer_->send(kAppend, "m1");
    peer_->send(kAppend2, "bad body");                 // the handler throws before its append
    peer_->send(Peer::frame(kAppend, "spoofed", 99));  // the sender check refuses it
    peer_->send(kAppend2, "m2");
    harness_.settle();
    EXPECT_EQ(appends_->started, (Strings{"m1", "m2"}));
    EXPECT_TRUE(answers().empty()) << "an ERROR overtook the ACK of an earlier frame";

    store("m2");
    EXPECT_TRUE(answers().empty());
    store("m1");
    EXPECT_EQ(answers(), (Strings{"m1", "error 3003 132", "error 1001 131", "m2"}))
        << "every answer in the order of the frames, each ERROR naming its own frame's type";
}

TEST_F(ClientSessionPipelineTest, AFrameThatMayNotPipelineWaitsForAllBeforeItAndHoldsUpTheRest) {
    peer_->send(kAppend, "m1");
    peer_->send(kAppend, "m2");
    peer_->send(kEcho, "join");
    peer_->send(kAppend, "m3");
    harness_.settle();
    EXPECT_EQ(appends_->started, (Strings{"m1", "m2"}));
    EXPECT_EQ(echo_->echoed, 1) << "only the login ran; the echo waits for m1 and m2";

    store("m1");
    EXPECT_EQ(answers(), Strings{"m1"});
    EXPECT_EQ(echo_->echoed, 1);
    EXPECT_EQ(appends_->started.size(), 2U) << "m3 started before the frame in front of it ran";

    store("m2");
    EXPECT_EQ(answers(), (Strings{"m2", "join"}));
    EXPECT_EQ(appends_->started, (Strings{"m1", "m2", "m3"}));
    store("m3");
    EXPECT_EQ(answers(), Strings{"m3"});
}

TEST_F(ClientSessionPipelineTest, AtMostTheLimitOfAppendsIsInFlightAndTheRestWaitInOrder) {
    const std::size_t limit = ClientSession::kMaxPipelinedRequests;
    const std::size_t total = limit + 5;
    for (std::size_t i = 0; i < total; ++i) {
        peer_->send(kAppend, "m" + std::to_string(i));
    }
    harness_.settle();
    ASSERT_EQ(appends_->started.size(), limit);

    store("m0");
    EXPECT_EQ(answers(), Strings{"m0"});
    EXPECT_EQ(appends_->started.size(), limit + 1) << "one finished, so one more may start";

    for (std::size_t i = 1; i < total; ++i) {
        store("m" + std::to_string(i));
    }
    Strings expected;
    for (std::size_t i = 1; i < total; ++i) {
        expected.push_back("m" + std::to_string(i));
    }
    EXPECT_EQ(answers(), expected);
    EXPECT_EQ(appends_->started.size(), total);
}

TEST_F(ClientSessionPipelineTest, AnAppendThatWaitsBeforeItStartsHoldsUpTheNext) {
    peer_->send(kAppend, "late m1");
    peer_->send(kAppend, "m2");
    harness_.settle();
    EXPECT_TRUE(appends_->started.empty())
        << "m2's append would go ahead of m1's: the session must wait for m1 to start";

    appends_->let_late_ones_append();
    harness_.settle();
    EXPECT_EQ(appends_->started, (Strings{"late m1", "m2"}));
    store("m2");
    store("late m1");
    EXPECT_EQ(answers(), (Strings{"late m1", "m2"}));
}

TEST_F(ClientSessionPipelineTest, AHeartbeatIsEchoedWhileAppendsAreInFlight) {
    peer_->send(kAppend, "m1");
    peer_->send(FrameType::heartbeat, "ping");
    peer_->send(kAppend, "m2");
    harness_.settle();
    EXPECT_EQ(answers(), Strings{"ping"});
    EXPECT_EQ(appends_->started, (Strings{"m1", "m2"}));
    store("m1");
    store("m2");
    EXPECT_EQ(answers(), (Strings{"m1", "m2"}));
}

TEST_F(ClientSessionPipelineTest, ABadHeaderIsAnsweredAfterTheAppendsBeforeIt) {
    peer_->send(kAppend, "m1");
    peer_->send(kAppend, "m2");
    const std::uint8_t garbage[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
    peer_->stream().deliver(garbage);
    harness_.settle();
    EXPECT_TRUE(answers().empty()) << "the stream's ERROR overtook the appends before it";

    store("m2");
    store("m1");
    const Strings got = answers();
    ASSERT_EQ(got.size(), 4U);
    EXPECT_EQ(got[0], "m1");
    EXPECT_EQ(got[1], "m2");
    EXPECT_EQ(got[2], "error 3000 0");
}

TEST_F(ClientSessionPipelineTest, AppendsInFlightWhenThePeerClosesStillFinishInOrder) {
    peer_->send(kAppend, "m1");
    peer_->send(kAppend, "m2");
    peer_->send(kAppend, "m3");
    harness_.settle();
    ASSERT_EQ(appends_->started.size(), 3U);
    peer_->stream().finish_sending();
    harness_.settle();
    EXPECT_EQ(harness_.events.closings, 1);

    // Stored messages are pushed by their requests whatever became of the sender's session.
    store("m3");
    store("m2");
    EXPECT_EQ(appends_->finished, 0);
    store("m1");
    EXPECT_EQ(appends_->finished, 3);
}

}  // namespace
}  // namespace parley::net
