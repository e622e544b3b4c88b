// The request path without sockets: interceptors, sender stamping, handler lookup and the one
// place where exceptions become ERROR frames.
#include "dispatch/dispatcher.hpp"

#include <stdexcept>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <parley.pb.h>

namespace parley::dispatch {
namespace {

class RecordingSession final : public Session {
  public:
    explicit RecordingSession(boost::asio::io_context& io, UserId user) : io_(io), user_(user) {}

    UserId user() const noexcept override { return user_; }
    std::uint64_t epoch() const noexcept override { return 1; }
    const std::string& remote_address() const noexcept override { return address_; }
    asio::any_io_executor executor() const override { return io_.get_executor(); }
    void send(Frame frame) override { sent.push_back(std::move(frame)); }
    void send_error(const Error& error, std::uint64_t ref_id) override {
        errors.push_back({error.code(), ref_id});
    }
    void close(const Error&) override { closed = true; }
    void complete_login(UserId user) override { user_ = user; }

    struct SentError {
        ErrorCode code;
        std::uint64_t ref_id;
    };
    std::vector<Frame> sent;
    std::vector<SentError> errors;
    bool closed = false;

  private:
    boost::asio::io_context& io_;
    UserId user_;
    std::string address_ = "test";
};

class UnusedNode final : public Node {
  public:
    const std::string& id() const noexcept override { return id_; }
    Store& store() override { throw std::logic_error("store not used in this test"); }
    Router& router() override { throw std::logic_error("router not used in this test"); }
    std::uint64_t next_message_id() noexcept override { return 1; }
    std::chrono::milliseconds heartbeat_interval() const noexcept override {
        return std::chrono::milliseconds(1000);
    }

  private:
    std::string id_ = "test";
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

class DispatcherTest : public ::testing::Test {
  protected:
    void dispatch(const std::shared_ptr<RecordingSession>& session, Frame frame) {
        RequestContext ctx{session, node_};
        auto done = boost::asio::co_spawn(io_, dispatcher_.dispatch(ctx, std::move(frame)),
                                          boost::asio::use_future);
        io_.run();
        io_.restart();
        done.get();
    }
    std::shared_ptr<ScriptedHandler> install(FrameType type, ScriptedHandler::Outcome outcome) {
        auto handler = std::make_shared<ScriptedHandler>(outcome);
        dispatcher_.handlers().add(type, handler, "test handler");
        return handler;
    }

    boost::asio::io_context io_;
    UnusedNode node_;
    Dispatcher dispatcher_;
};

Frame frame(FrameType type, UserId sender, UserId receiver) {
    return Frame::make(type, sender, receiver, std::span<const std::uint8_t>{});
}

TEST_F(DispatcherTest, OnlyAHandshakeMayComeBeforeLogin) {
    auto handler = install(FrameType::private_message, ScriptedHandler::Outcome::ok);
    auto session = std::make_shared<RecordingSession>(io_, kNoUser);
    dispatch(session, frame(FrameType::private_message, 0, 2));
    EXPECT_TRUE(handler->seen.empty());
    ASSERT_EQ(session->errors.size(), 1U);
    EXPECT_EQ(session->errors[0].code, ErrorCode::login_failed);
}

TEST_F(DispatcherTest, HandshakePassesBeforeLogin) {
    auto handler = install(FrameType::handshake, ScriptedHandler::Outcome::ok);
    auto session = std::make_shared<RecordingSession>(io_, kNoUser);
    dispatch(session, frame(FrameType::handshake, 0, 0));
    EXPECT_EQ(handler->seen.size(), 1U);
    EXPECT_TRUE(session->errors.empty());
}

TEST_F(DispatcherTest, SpoofedSenderIsRefused) {
    auto handler = install(FrameType::private_message, ScriptedHandler::Outcome::ok);
    auto session = std::make_shared<RecordingSession>(io_, 5);
    dispatch(session, frame(FrameType::private_message, 6, 2));
    EXPECT_TRUE(handler->seen.empty());
    ASSERT_EQ(session->errors.size(), 1U);
    EXPECT_EQ(session->errors[0].code, ErrorCode::permission_denied);
}

TEST_F(DispatcherTest, SenderIsStampedWithTheAuthenticatedUser) {
    auto handler = install(FrameType::private_message, ScriptedHandler::Outcome::ok);
    auto session = std::make_shared<RecordingSession>(io_, 5);
    dispatch(session, frame(FrameType::private_message, 0, 2));
    ASSERT_EQ(handler->seen.size(), 1U);
    EXPECT_EQ(handler->seen[0].sender(), 5U);
}

TEST_F(DispatcherTest, UnknownTypeGetsAnErrorAndTheSessionLives) {
    auto session = std::make_shared<RecordingSession>(io_, 5);
    dispatch(session, frame(FrameType{0x99}, 0, 0));
    ASSERT_EQ(session->errors.size(), 1U);
    EXPECT_EQ(session->errors[0].code, ErrorCode::unknown_type);
    EXPECT_FALSE(session->closed);
}

TEST_F(DispatcherTest, ParleyErrorsKeepTheirCodeAndCarryTheRequestId) {
    install(FrameType::private_message, ScriptedHandler::Outcome::parley_error);
    auto session = std::make_shared<RecordingSession>(io_, 5);
    dispatch(session, frame(FrameType::private_message, 0, 2));
    ASSERT_EQ(session->errors.size(), 1U);
    EXPECT_EQ(session->errors[0].code, ErrorCode::recipient_unavailable);
    EXPECT_EQ(session->errors[0].ref_id, 77U);
    EXPECT_FALSE(session->closed);
}

TEST_F(DispatcherTest, OtherExceptionsBecomeInternalErrors) {
    install(FrameType::private_message, ScriptedHandler::Outcome::std_exception);
    auto session = std::make_shared<RecordingSession>(io_, 5);
    dispatch(session, frame(FrameType::private_message, 0, 2));
    ASSERT_EQ(session->errors.size(), 1U);
    EXPECT_EQ(session->errors[0].code, ErrorCode::internal);
    EXPECT_EQ(session->errors[0].ref_id, 77U);
    EXPECT_FALSE(session->closed);
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
    auto anonymous = std::make_shared<RecordingSession>(io_, kNoUser);
    dispatch(anonymous, frame(FrameType::group_message, 0, 1));
    ASSERT_EQ(anonymous->errors.size(), 1U);
    EXPECT_EQ(anonymous->errors[0].code, ErrorCode::login_failed) << "authentication first";

    auto user = std::make_shared<RecordingSession>(io_, 5);
    dispatch(user, frame(FrameType::group_message, 0, 1));
    ASSERT_EQ(user->errors.size(), 1U);
    EXPECT_EQ(user->errors[0].code, ErrorCode::rate_limited);
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
    dispatcher_.add_interceptor(std::make_shared<ThrowingInterceptor>());
    auto session = std::make_shared<RecordingSession>(io_, 5);
    dispatch(session, frame(FrameType::private_message, 0, 2));
    ASSERT_EQ(session->errors.size(), 1U);
    EXPECT_EQ(session->errors[0].code, ErrorCode::internal);
    EXPECT_TRUE(handler->seen.empty());
    EXPECT_FALSE(session->closed);
}

}  // namespace
}  // namespace parley::dispatch
