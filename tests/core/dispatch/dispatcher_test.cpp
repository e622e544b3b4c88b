// The request path as it runs in production: frames written by a client into a ClientSession
// (on an in-memory stream), run by the loop's RequestRunner through the Dispatcher's
// interceptors, sender stamping and handler lookup, and the one place where exceptions become
// ERROR frames.
#include "dispatch/dispatcher.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <parley.pb.h>

#include "core/net/session_harness.hpp"

namespace parley::dispatch {
namespace {

using net::testing::Peer;
using net::testing::SessionHarness;

// Logs the session in as the user named in the body.
class LoginHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        const auto body = frame.body();
        ctx.session->complete_login(
            std::stoull(std::string(reinterpret_cast<const char*>(body.data()), body.size())));
        ++logins;
        co_return;
    }
    int logins = 0;
};

// Records the frames it saw; optionally fails the way it is told to.
class ScriptedHandler final : public Handler {
  public:
    enum class Outcome { ok, parley_error, std_exception };
    explicit ScriptedHandler(Outcome outcome) : outcome_(outcome) {}

    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        seen.push_back(frame);
        ctx.ref_id = 77;
        if (outcome_ == Outcome::parley_error) {
            throw Error(ErrorCode::recipient_unavailable, "nobody home");
        }
        if (outcome_ == Outcome::std_exception) {
            throw std::runtime_error("boom");
        }
        co_return;
    }

    std::vector<Frame> seen;

  private:
    Outcome outcome_;
};

struct SentError {
    ErrorCode code;
    std::uint64_t ref_id;
};

class DispatcherTest : public ::testing::Test {
  protected:
    DispatcherTest() { dispatcher_.handlers().add(FrameType::handshake, login_, "login"); }

    std::shared_ptr<ScriptedHandler> install(FrameType type, ScriptedHandler::Outcome outcome) {
        auto handler = std::make_shared<ScriptedHandler>(outcome);
        dispatcher_.handlers().add(type, handler, "test handler");
        return handler;
    }
    /// A connection, logged in as `user` unless that is kNoUser.
    Peer connect(UserId user) {
        Peer peer = harness_.open();
        if (user != kNoUser) {
            peer.send(FrameType::handshake, std::to_string(user));
            harness_.settle();
        }
        return peer;
    }
    /// Sends `frame` and returns the ERROR frames it was answered with.
    std::vector<SentError> request(Peer& peer, const Frame& frame) {
        peer.send(frame);
        harness_.settle();
        std::vector<SentError> errors;
        for (const auto& answer : peer.read()) {
            wire::ErrorBody body;
            if (answer.type() == FrameType::error && answer.parse_body(body)) {
                errors.push_back({static_cast<ErrorCode>(body.code()), body.ref_id()});
            }
        }
        return errors;
    }

    Dispatcher dispatcher_;
    std::shared_ptr<LoginHandler> login_ = std::make_shared<LoginHandler>();
    SessionHarness harness_{dispatcher_};
};

Frame frame(FrameType type, UserId sender, UserId receiver) {
    return Frame::make(type, sender, receiver, std::span<const std::uint8_t>{});
}

TEST_F(DispatcherTest, OnlyAHandshakeMayComeBeforeLogin) {
    auto handler = install(FrameType::private_message, ScriptedHandler::Outcome::ok);
    Peer peer = connect(kNoUser);
    const auto errors = request(peer, frame(FrameType::private_message, 0, 2));
    EXPECT_TRUE(handler->seen.empty());
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].code, ErrorCode::login_failed);
}

TEST_F(DispatcherTest, HandshakePassesBeforeLogin) {
    Peer peer = connect(kNoUser);
    const auto errors = request(peer, Peer::frame(FrameType::handshake, "5"));
    EXPECT_EQ(login_->logins, 1);
    EXPECT_TRUE(errors.empty());
    EXPECT_EQ(peer.session().user(), 5U);
}

TEST_F(DispatcherTest, SpoofedSenderIsRefused) {
    auto handler = install(FrameType::private_message, ScriptedHandler::Outcome::ok);
    Peer peer = connect(5);
    const auto errors = request(peer, frame(FrameType::private_message, 6, 2));
    EXPECT_TRUE(handler->seen.empty());
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].code, ErrorCode::permission_denied);
}

TEST_F(DispatcherTest, SenderIsStampedWithTheAuthenticatedUser) {
    auto handler = install(FrameType::private_message, ScriptedHandler::Outcome::ok);
    Peer peer = connect(5);
    request(peer, frame(FrameType::private_message, 0, 2));
    ASSERT_EQ(handler->seen.size(), 1U);
    EXPECT_EQ(handler->seen[0].sender(), 5U);
}

TEST_F(DispatcherTest, UnknownTypeGetsAnErrorAndTheSessionLives) {
    Peer peer = connect(5);
    const auto errors = request(peer, frame(FrameType{0x99}, 0, 0));
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].code, ErrorCode::unknown_type);
    EXPECT_FALSE(peer.stream().closed());
}

TEST_F(DispatcherTest, ParleyErrorsKeepTheirCodeAndCarryTheRequestId) {
    install(FrameType::private_message, ScriptedHandler::Outcome::parley_error);
    Peer peer = connect(5);
    const auto errors = request(peer, frame(FrameType::private_message, 0, 2));
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].code, ErrorCode::recipient_unavailable);
    EXPECT_EQ(errors[0].ref_id, 77U);
    EXPECT_FALSE(peer.stream().closed());
}

TEST_F(DispatcherTest, OtherExceptionsBecomeInternalErrors) {
    install(FrameType::private_message, ScriptedHandler::Outcome::std_exception);
    Peer peer = connect(5);
    const auto errors = request(peer, frame(FrameType::private_message, 0, 2));
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].code, ErrorCode::internal);
    EXPECT_EQ(errors[0].ref_id, 77U);
    EXPECT_FALSE(peer.stream().closed());
}

TEST_F(DispatcherTest, AFailedRequestDoesNotStopTheFramesAfterIt) {
    auto failing = install(FrameType::private_message, ScriptedHandler::Outcome::std_exception);
    auto fine = install(FrameType::group_message, ScriptedHandler::Outcome::ok);
    Peer peer = connect(5);
    const Frame bad = frame(FrameType::private_message, 0, 2);
    const Frame good = frame(FrameType::group_message, 0, 1);
    std::vector<std::uint8_t> both(bad.bytes().begin(), bad.bytes().end());
    both.insert(both.end(), good.bytes().begin(), good.bytes().end());
    peer.stream().deliver(both);  // one read: the same request coroutine runs both
    harness_.settle();
    EXPECT_EQ(failing->seen.size(), 1U);
    EXPECT_EQ(fine->seen.size(), 1U);
}

class RefusingInterceptor final : public Interceptor {
  public:
    std::optional<Error> inspect(const Session&, const Frame& f) override {
        if (f.type() == FrameType::group_message) {
            return Error(ErrorCode::rate_limited, "slow down");
        }
        return std::nullopt;
    }
};

TEST_F(DispatcherTest, ConfiguredInterceptorsRunAfterTheBuiltInOnes) {
    auto handler = install(FrameType::group_message, ScriptedHandler::Outcome::ok);
    dispatcher_.add_interceptor(std::make_shared<RefusingInterceptor>());
    Peer anonymous = connect(kNoUser);
    const auto refused = request(anonymous, frame(FrameType::group_message, 0, 1));
    ASSERT_EQ(refused.size(), 1U);
    EXPECT_EQ(refused[0].code, ErrorCode::login_failed) << "authentication first";

    Peer user = connect(5);
    const auto limited = request(user, frame(FrameType::group_message, 0, 1));
    ASSERT_EQ(limited.size(), 1U);
    EXPECT_EQ(limited[0].code, ErrorCode::rate_limited);
    EXPECT_TRUE(handler->seen.empty());
}

class ThrowingInterceptor final : public Interceptor {
  public:
    std::optional<Error> inspect(const Session&, const Frame&) override {
        throw std::runtime_error("interceptor bug");
    }
};

TEST_F(DispatcherTest, AThrowingInterceptorBecomesAnInternalErrorAndSkipsTheHandler) {
    auto handler = install(FrameType::private_message, ScriptedHandler::Outcome::ok);
    Peer peer = connect(5);
    dispatcher_.add_interceptor(std::make_shared<ThrowingInterceptor>());
    const auto errors = request(peer, frame(FrameType::private_message, 0, 2));
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].code, ErrorCode::internal);
    EXPECT_TRUE(handler->seen.empty());
    EXPECT_FALSE(peer.stream().closed());
}

}  // namespace
}  // namespace parley::dispatch
