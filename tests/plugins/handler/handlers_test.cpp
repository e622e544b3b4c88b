// The handler plugins, loaded as parleyd loads them and run against a fake session, node and
// router with the real store-memory. The daemon's end-to-end tests cover them over sockets.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <parley.pb.h>

#include <parley/config_node.hpp>
#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/handler.hpp>
#include <parley/node.hpp>
#include <parley/router.hpp>
#include <parley/session.hpp>

#include "jwt/compact_token.hpp"
#include "jwt/ed25519_keys.hpp"
#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"

namespace parley::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FakeSession final : public Session {
  public:
    FakeSession(std::uint64_t epoch, asio::any_io_executor executor)
        : epoch_(epoch), executor_(std::move(executor)) {}

    UserId user() const noexcept override { return user_; }
    std::uint64_t epoch() const noexcept override { return epoch_; }
    std::string remote_address() const override { return address_; }
    asio::any_io_executor executor() const override { return executor_; }
    void send(Frame frame) override { (holding ? held : sent).push_back(std::move(frame)); }
    void send_error(const Error&, std::uint64_t) override {}
    void close(const Error&) override {}
    void complete_login(UserId user) override { user_ = user; }
    void hold_sends() override { holding = true; }
    void send_through_hold(Frame frame) override { sent.push_back(std::move(frame)); }
    asio::awaitable<bool> drained() override { co_return true; }
    std::vector<Frame> release_held() override {
        holding = false;
        return std::exchange(held, {});
    }

    std::vector<Frame> sent;
    std::vector<Frame> held;
    bool holding = false;

  private:
    UserId user_ = kNoUser;
    std::uint64_t epoch_;
    std::string address_ = "127.0.0.1:40000";
    asio::any_io_executor executor_;
};

class FakeRouter final : public Router {
  public:
    asio::awaitable<Delivery> send_to_user(UserId recipient, Frame frame,
                                           std::uint64_t ref_id) override {
        to_users.push_back(std::move(frame));
        ref_ids.push_back(ref_id);
        co_return online.contains(recipient) ? Delivery::local : Delivery::offline;
    }
    asio::awaitable<Delivery> send_to_user_pipelined(UserId recipient, Frame frame,
                                                     std::uint64_t ref_id,
                                                     const RequestContext& ctx) override {
        ++pipelined_sends;
        ctx.let_next_start();
        co_return co_await send_to_user(recipient, std::move(frame), ref_id);
    }
    bool sends_in_order() const override { return in_order; }
    asio::awaitable<void> send_to_group(GroupId group, Frame frame) override {
        to_groups.push_back(group);
        group_frames.push_back(std::move(frame));
        co_return;
    }
    asio::awaitable<void> kick(SessionRecord record) override {
        kicked.push_back(record);
        if (kick_delay.count() > 0) {  // as a publish to a slow Kafka would
            asio::steady_timer slow(co_await asio::this_coro::executor, kick_delay);
            co_await slow.async_wait(asio::use_awaitable);
        }
        ++kicks_finished;
    }
    asio::awaitable<void> send_to_node(std::string node_id, Envelope envelope) override {
        to_nodes.emplace_back(std::move(node_id), std::move(envelope));
        co_return;
    }
    std::optional<Error> refuse_group_message(GroupId group, const Session&) override {
        refusal_asked.push_back(group);
        return group_refusal;
    }

    std::set<UserId> online;
    bool in_order = false;
    int pipelined_sends = 0;
    std::vector<Frame> to_users;
    std::vector<std::uint64_t> ref_ids;
    std::vector<GroupId> to_groups;
    std::vector<Frame> group_frames;
    std::vector<SessionRecord> kicked;
    std::chrono::milliseconds kick_delay{0};
    int kicks_finished = 0;
    std::vector<std::pair<std::string, Envelope>> to_nodes;
    std::optional<Error> group_refusal;
    std::vector<GroupId> refusal_asked;
};

class FakeNode final : public Node {
  public:
    FakeNode(Store& store, Router& router) : store_(store), router_(router) {}

    const std::string& id() const noexcept override { return id_; }
    Store& store() override { return store_; }
    Router& router() override { return router_; }
    MessageLog* message_log() noexcept override { return log.get(); }
    std::uint64_t next_message_id() noexcept override { return ++last_message_id; }
    std::chrono::milliseconds heartbeat_interval() const noexcept override {
        return std::chrono::seconds(15);
    }
    Registry& registry() override { throw std::logic_error("no registry in this test"); }
    bool close_session(UserId, const Error&) override { return false; }
    std::size_t users_here() const noexcept override { return 0; }

    std::uint64_t last_message_id = 1000;
    std::shared_ptr<MessageLog> log;  ///< none unless a test loads one

  private:
    std::string id_ = "node-test";
    Store& store_;
    Router& router_;
};

/// What the core would answer: the handler's Error, if any, and the ref_id it would carry.
struct Outcome {
    std::optional<Error> error;
    std::uint64_t ref_id = 0;

    ErrorCode code() const { return error ? error->code() : ErrorCode::ok; }
    std::string message() const { return error ? error->what() : ""; }
};

std::string hmac_token(const std::string& secret, UserId user) {
    const std::string message = std::to_string(user);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &size);
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
        static constexpr char kDigits[] = "0123456789abcdef";
        hex += kDigits[mac[i] >> 4];
        hex += kDigits[mac[i] & 0xF];
    }
    return hex;
}

/// A store through which another node's login slips in between a handshake's first claim and
/// what it does next: the interleaving a node paused mid-login meets when it resumes.
class InterleavingStore final : public Store {
  public:
    explicit InterleavingStore(Store& inner) : inner_(inner) {}

    /// The next refused claim is followed, before it returns, by this login (kick_old).
    std::optional<SessionRecord> slip_in;

    asio::awaitable<ClaimResult> claim(SessionRecord record, DuplicateLoginPolicy policy) override {
        ClaimResult result = co_await inner_.claim(std::move(record), policy);
        if (!result.granted && slip_in) {
            SessionRecord other = *std::exchange(slip_in, std::nullopt);
            co_await inner_.claim(std::move(other), DuplicateLoginPolicy::kick_old);
        }
        co_return result;
    }
    asio::awaitable<ClaimResult> take_over(SessionRecord record, SessionRecord holder) override {
        co_return co_await inner_.take_over(std::move(record), std::move(holder));
    }
    asio::awaitable<void> release(UserId user, std::uint64_t epoch) override {
        co_await inner_.release(user, epoch);
    }
    asio::awaitable<std::optional<SessionRecord>> locate(UserId user) override {
        co_return co_await inner_.locate(user);
    }
    asio::awaitable<OnlinePage> online(std::uint64_t cursor, std::uint32_t limit) override {
        co_return co_await inner_.online(cursor, limit);
    }
    asio::awaitable<void> join_group(GroupId group, UserId user) override {
        co_await inner_.join_group(group, user);
    }
    asio::awaitable<bool> leave_group(GroupId group, UserId user) override {
        co_return co_await inner_.leave_group(group, user);
    }
    asio::awaitable<bool> is_member(GroupId group, UserId user) override {
        co_return co_await inner_.is_member(group, user);
    }
    asio::awaitable<std::vector<UserId>> group_members(GroupId group) override {
        co_return co_await inner_.group_members(group);
    }

  private:
    Store& inner_;
};

class HandlersTest : public ::testing::Test {
  protected:
    void SetUp() override {
        host.load("store", "memory");
        node = std::make_unique<FakeNode>(*host.store, router);
    }

    std::shared_ptr<FakeSession> new_session() {
        return std::make_shared<FakeSession>(++last_epoch, host.io.get_executor());
    }

    Outcome dispatch(const std::shared_ptr<FakeSession>& session, const Frame& frame) {
        const auto it = host.handlers.find(frame.type());
        EXPECT_NE(it, host.handlers.end()) << "no handler for type " << int(frame.raw_type());
        RequestContext ctx{session, *node, 0};
        Outcome outcome;
        try {
            run_awaitable(it->second->handle(ctx, frame));
        } catch (const Error& e) {
            outcome.error = e;
        }
        outcome.ref_id = ctx.ref_id;
        return outcome;
    }

    Outcome handshake(const std::shared_ptr<FakeSession>& session, UserId user,
                      const std::string& token = "") {
        wire::Handshake hello;
        hello.set_user_id(user);
        hello.set_token(token);
        hello.set_client_name("handlers_test");
        return dispatch(session, Frame::make(FrameType::handshake, kNoUser, kNoUser, hello));
    }

    /// A logged-in session for `user` (handshake plugin with default settings must be loaded).
    std::shared_ptr<FakeSession> logged_in(UserId user) {
        auto session = new_session();
        EXPECT_EQ(handshake(session, user).code(), ErrorCode::ok);
        session->sent.clear();
        return session;
    }

    static Frame chat(FrameType type, UserId sender, UserId receiver, std::uint64_t id) {
        wire::ChatMessage message;
        message.set_client_msg_id(id);
        message.set_content("hello");
        return Frame::make(type, sender, receiver, message);
    }

    static Frame membership(FrameType type, UserId sender, GroupId group, std::uint64_t id) {
        wire::GroupMembership body;
        body.set_client_msg_id(id);
        return Frame::make(type, sender, group, body);
    }

    static wire::Ack only_ack(const FakeSession& session) {
        EXPECT_EQ(session.sent.size(), 1u);
        wire::Ack ack;
        if (!session.sent.empty()) {
            EXPECT_EQ(session.sent[0].type(), FrameType::ack);
            EXPECT_EQ(session.sent[0].receiver(), session.user());
            EXPECT_TRUE(session.sent[0].parse_body(ack));
        }
        return ack;
    }

    PluginTestHost host;
    FakeRouter router;
    std::unique_ptr<FakeNode> node;
    std::uint64_t last_epoch = 0;
};

std::string config_error(const std::string& name, const std::string& yaml) {
    PluginTestHost host;
    try {
        host.load("handler", name, yaml);
    } catch (const ConfigError& e) {
        return e.what();
    }
    ADD_FAILURE() << "loaded:\n" << yaml;
    return {};
}

// --- handshake ---------------------------------------------------------------------------

TEST_F(HandlersTest, HandshakeLogsIn) {
    host.load("handler", "handshake");
    auto session = new_session();
    const Outcome outcome = handshake(session, 42, "anything");
    ASSERT_EQ(outcome.code(), ErrorCode::ok) << outcome.message();
    EXPECT_EQ(session->user(), 42u);

    ASSERT_EQ(session->sent.size(), 1u);
    const Frame& reply = session->sent[0];
    EXPECT_EQ(reply.type(), FrameType::handshake);
    EXPECT_EQ(reply.sender(), kNoUser);
    EXPECT_EQ(reply.receiver(), 42u);
    wire::HandshakeOk ok;
    ASSERT_TRUE(reply.parse_body(ok));
    EXPECT_EQ(ok.user_id(), 42u);
    EXPECT_EQ(ok.node_id(), "node-test");
    EXPECT_EQ(ok.heartbeat_interval_ms(), 15000u);
    EXPECT_EQ(ok.session_epoch(), session->epoch());

    const auto where = run_awaitable(host.store->locate(42));
    ASSERT_TRUE(where.has_value());
    EXPECT_EQ(where->epoch, session->epoch());
    EXPECT_EQ(where->node_id, "node-test");
}

TEST_F(HandlersTest, HandshakeRefusesBadRequests) {
    host.load("handler", "handshake");
    auto session = new_session();
    EXPECT_EQ(handshake(session, 0).code(), ErrorCode::login_failed);

    const std::uint8_t garbage[] = {0xFF, 0xFF, 0xFF};
    EXPECT_EQ(dispatch(session, Frame::make(FrameType::handshake, 0, 0, garbage)).code(),
              ErrorCode::bad_body);

    ASSERT_EQ(handshake(session, 5).code(), ErrorCode::ok);
    const Outcome again = handshake(session, 6);
    EXPECT_EQ(again.code(), ErrorCode::login_failed);
    EXPECT_EQ(again.message(), "already logged in");
    EXPECT_EQ(session->user(), 5u);
}

TEST_F(HandlersTest, HandshakeRejectsADuplicateLoginByDefault) {
    host.load("handler", "handshake");
    auto first = logged_in(7);
    auto second = new_session();
    const Outcome outcome = handshake(second, 7);
    EXPECT_EQ(outcome.code(), ErrorCode::duplicate_login);
    EXPECT_EQ(outcome.message(), "user 7 is already logged in");
    EXPECT_EQ(second->user(), kNoUser);
    EXPECT_TRUE(router.kicked.empty());
}

TEST_F(HandlersTest, HandshakeKicksTheOldSession) {
    host.load("handler", "handshake", "duplicate_login: kick\n");
    auto first = logged_in(7);
    auto second = new_session();
    ASSERT_EQ(handshake(second, 7).code(), ErrorCode::ok);
    EXPECT_EQ(second->user(), 7u);
    host.io.restart();
    host.io.poll();  // the old session is told in the background
    ASSERT_EQ(router.kicked.size(), 1u);
    EXPECT_EQ(router.kicked[0].user, 7u);
    EXPECT_EQ(router.kicked[0].epoch, first->epoch());
    EXPECT_EQ(run_awaitable(host.store->locate(7))->epoch, second->epoch());
}

TEST_F(HandlersTest, AKickLoginDoesNotWaitForTheOldSessionToBeTold) {
    host.load("handler", "handshake", "duplicate_login: kick\n");
    auto first = logged_in(7);
    router.kick_delay = std::chrono::milliseconds(300);
    auto second = new_session();
    ASSERT_EQ(handshake(second, 7).code(), ErrorCode::ok);
    EXPECT_EQ(router.kicks_finished, 0) << "the login waited for the kick";
    host.io.restart();
    host.io.run_for(std::chrono::seconds(10));
    EXPECT_EQ(router.kicks_finished, 1);
}

TEST_F(HandlersTest, HandshakeWithStaticTokens) {
    host.load("handler", "handshake", "auth: static\ntokens:\n  1: one\n  2: \"two\"\n");
    EXPECT_EQ(handshake(new_session(), 1, "one").code(), ErrorCode::ok);
    const Outcome wrong = handshake(new_session(), 2, "one");
    EXPECT_EQ(wrong.code(), ErrorCode::login_failed);
    EXPECT_EQ(wrong.message(), "bad token for user 2");
    EXPECT_EQ(handshake(new_session(), 2, "").code(), ErrorCode::login_failed);
    EXPECT_EQ(handshake(new_session(), 3, "").code(), ErrorCode::login_failed);  // unlisted
    EXPECT_EQ(handshake(new_session(), 2, "two").code(), ErrorCode::ok);
}

TEST_F(HandlersTest, HandshakeWithHmacTokens) {
    host.load("handler", "handshake", "auth: hmac-sha256\nsecret: s3cret\n");
    const std::string token = hmac_token("s3cret", 77);
    ASSERT_EQ(token.size(), 64u);
    EXPECT_EQ(handshake(new_session(), 78, token).code(), ErrorCode::login_failed);
    EXPECT_EQ(handshake(new_session(), 77, hmac_token("other", 77)).code(),
              ErrorCode::login_failed);
    EXPECT_EQ(handshake(new_session(), 77, token.substr(1)).code(), ErrorCode::login_failed);
    EXPECT_EQ(handshake(new_session(), 77, token).code(), ErrorCode::ok);
}

// Tokens as an issuer makes them: claims signed with the issuer's Ed25519 key.
class SignedTokens {
  public:
    std::string public_key() const { return jwt::base64url_encode(key_.public_key().raw()); }
    std::string mint(const std::string& claims, const std::string& header = kHeader) const {
        return jwt::sign_compact(key_, header, claims);
    }
    static std::int64_t now() {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    static std::string claims(const std::string& sub, std::int64_t exp_from_now,
                              const std::string& more = "") {
        return R"({"sub":)" + sub + R"(,"exp":)" + std::to_string(now() + exp_from_now) + more +
               "}";
    }
    static constexpr const char* kHeader = R"({"alg":"EdDSA","kid":"k1"})";

  private:
    jwt::Ed25519PrivateKey key_ = jwt::Ed25519PrivateKey::generate();
};

TEST_F(HandlersTest, HandshakeWithEd25519SignedTokens) {
    const SignedTokens issuer;
    host.load("handler", "handshake",
              "auth: ed25519\npublic_keys: {k1: " + issuer.public_key() +
                  "}\nclock_skew: 30s\naudience: chat\n");
    const std::string aud = R"(,"aud":"chat")";
    EXPECT_EQ(
        handshake(new_session(), 42, issuer.mint(SignedTokens::claims("\"42\"", 600, aud))).code(),
        ErrorCode::ok);
    EXPECT_EQ(
        handshake(new_session(), 43, issuer.mint(SignedTokens::claims("43", 600, aud))).code(),
        ErrorCode::ok)
        << "a numeric sub";
    EXPECT_EQ(handshake(new_session(), 44, issuer.mint(SignedTokens::claims("\"45\"", 600, aud)))
                  .message(),
              "bad token for user 44")
        << "a token for somebody else";
    EXPECT_EQ(handshake(new_session(), 46, issuer.mint(SignedTokens::claims("\"46\"", -60, aud)))
                  .message(),
              "the token for user 46 has expired");
    EXPECT_EQ(
        handshake(new_session(), 47, issuer.mint(SignedTokens::claims("\"47\"", -20, aud))).code(),
        ErrorCode::ok)
        << "expired less than the clock skew ago";
    const std::string later = R"(,"aud":"chat","nbf":)" + std::to_string(SignedTokens::now() + 120);
    EXPECT_EQ(handshake(new_session(), 48, issuer.mint(SignedTokens::claims("\"48\"", 600, later)))
                  .message(),
              "the token for user 48 is not valid yet");
    EXPECT_EQ(handshake(new_session(), 49, issuer.mint(SignedTokens::claims("\"49\"", 600))).code(),
              ErrorCode::login_failed)
        << "no audience";
    EXPECT_EQ(handshake(new_session(), 50, issuer.mint(R"({"sub":"50","aud":"chat"})")).code(),
              ErrorCode::login_failed)
        << "no expiry";
}

TEST_F(HandlersTest, Ed25519TokensFromAnotherKeyOrAlgorithmAreRefused) {
    const SignedTokens issuer;
    const SignedTokens stranger;
    const SignedTokens next;
    host.load("handler", "handshake",
              "auth: ed25519\npublic_keys:\n  k1: " + issuer.public_key() +
                  "\n  k2: " + next.public_key() + "\n");
    const std::string claims = SignedTokens::claims("\"7\"", 600);
    EXPECT_EQ(handshake(new_session(), 7, stranger.mint(claims)).code(), ErrorCode::login_failed)
        << "signed by a key nobody configured";
    EXPECT_EQ(
        handshake(new_session(), 7, issuer.mint(claims, R"({"alg":"EdDSA","kid":"k9"})")).code(),
        ErrorCode::login_failed)
        << "an unknown key id";
    EXPECT_EQ(handshake(new_session(), 7, issuer.mint(claims, R"({"alg":"EdDSA"})")).code(),
              ErrorCode::login_failed)
        << "no key id while two keys are configured";
    EXPECT_EQ(
        handshake(new_session(), 7, issuer.mint(claims, R"({"alg":"HS256","kid":"k1"})")).code(),
        ErrorCode::login_failed);
    const std::string unsigned_token = jwt::base64url_encode(std::string(R"({"alg":"none"})")) +
                                       "." + jwt::base64url_encode(claims) + ".";
    EXPECT_EQ(handshake(new_session(), 7, unsigned_token).code(), ErrorCode::login_failed);
    EXPECT_EQ(handshake(new_session(), 7, "not a token").code(), ErrorCode::login_failed);
    // While keys rotate, tokens of either key are good.
    EXPECT_EQ(handshake(new_session(), 7, issuer.mint(claims)).code(), ErrorCode::ok);
    EXPECT_EQ(
        handshake(new_session(), 8,
                  next.mint(SignedTokens::claims("\"8\"", 600), R"({"alg":"EdDSA","kid":"k2"})"))
            .code(),
        ErrorCode::ok);
}

TEST_F(HandlersTest, OnlyTheResumeTokenOfTheHoldingSessionTakesItOver) {
    host.load("handler", "handshake");
    auto first = new_session();
    ASSERT_EQ(handshake(first, 7).code(), ErrorCode::ok);
    wire::HandshakeOk ok;
    ASSERT_TRUE(first->sent.at(0).parse_body(ok));
    ASSERT_EQ(ok.resume_token().size(), 32U);
    EXPECT_EQ(ok.resume_token().find_first_not_of("0123456789abcdef"), std::string::npos);

    auto resume = [&](std::uint64_t epoch, const std::string& token) {
        wire::Handshake hello;
        hello.set_user_id(7);
        hello.set_resume_epoch(epoch);
        hello.set_resume_token(token);
        return dispatch(new_session(), Frame::make(FrameType::handshake, kNoUser, kNoUser, hello))
            .code();
    };
    EXPECT_EQ(resume(first->epoch(), ""), ErrorCode::duplicate_login) << "the epoch alone";
    std::string wrong = ok.resume_token();
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    EXPECT_EQ(resume(first->epoch(), wrong), ErrorCode::duplicate_login);
    EXPECT_EQ(resume(first->epoch() + 1, ok.resume_token()), ErrorCode::duplicate_login)
        << "a token with another session's epoch";
    EXPECT_TRUE(router.kicked.empty());
    EXPECT_EQ(resume(0, ok.resume_token()), ErrorCode::ok) << "the token alone suffices";
    host.io.restart();
    host.io.poll();
    ASSERT_EQ(router.kicked.size(), 1u);
    EXPECT_EQ(router.kicked[0].epoch, first->epoch());
}

// A node paused while a client logged in through it reads that HANDSHAKE late, after the
// client has logged in again elsewhere with the same resume token: the late login must not
// displace the newer session (which would tell the client 1004 for its own abandoned login).
TEST_F(HandlersTest, AResumeReadLateDoesNotDisplaceTheClientsNewerLogin) {
    host.load("handler", "handshake");
    InterleavingStore store(*host.store);
    node = std::make_unique<FakeNode>(store, router);
    auto first = new_session();
    ASSERT_EQ(handshake(first, 7).code(), ErrorCode::ok);
    wire::HandshakeOk ok;
    ASSERT_TRUE(first->sent.at(0).parse_body(ok));

    store.slip_in = SessionRecord{7, "node-elsewhere", 999};
    wire::Handshake hello;
    hello.set_user_id(7);
    hello.set_resume_epoch(first->epoch());
    hello.set_resume_token(ok.resume_token());
    const Outcome late =
        dispatch(new_session(), Frame::make(FrameType::handshake, kNoUser, kNoUser, hello));
    EXPECT_EQ(late.code(), ErrorCode::duplicate_login) << late.message();
    const auto holder = run_awaitable(host.store->locate(7));
    ASSERT_TRUE(holder.has_value());
    EXPECT_EQ(holder->epoch, 999u) << "the newer login was displaced";
    host.io.restart();
    host.io.poll();
    EXPECT_TRUE(router.kicked.empty());
}

TEST(HandshakeSettingsTest, AResumeSecretMustBeLongEnough) {
    EXPECT_THAT(config_error("handshake", "resume_secret: short\n"),
                HasSubstr("resume_secret must be at least 16 characters"));
}

TEST(HandshakeSettingsTest, MistakesAreConfigErrors) {
    EXPECT_THAT(
        config_error("handshake", "auth: hmac\n"),
        HasSubstr("'hmac' is not a valid auth (one of: none, static, hmac-sha256, ed25519)"));
    EXPECT_THAT(config_error("handshake", "auth: ed25519\n"),
                HasSubstr("'public_keys' is missing"));
    EXPECT_THAT(config_error("handshake", "auth: ed25519\npublic_keys: {k1: abc}\n"),
                HasSubstr("public key 'k1': an Ed25519 public key is 32 bytes, not 2"));
    EXPECT_THAT(config_error("handshake", "auth: ed25519\npublic_keys: {k1: \"a+b=\"}\n"),
                HasSubstr("is not unpadded base64url"));
    EXPECT_THAT(
        config_error("handshake", "auth: ed25519\npublic_keys: {k1: {file: /nonexistent.pem}}\n"),
        HasSubstr("cannot open /nonexistent.pem"));
    EXPECT_THAT(config_error("handshake", "auth: static\ntokens: {1: x}\npublic_keys: {k1: x}\n"),
                HasSubstr("public_keys is read only with 'auth: ed25519'"));
    EXPECT_THAT(config_error("handshake", "auth: static\n"), HasSubstr("'tokens' is missing"));
    EXPECT_THAT(config_error("handshake", "auth: static\ntokens: {}\n"),
                HasSubstr("nobody could log in"));
    EXPECT_THAT(config_error("handshake", "auth: static\ntokens: {alice: x}\n"),
                HasSubstr("'alice' is not a user id"));
    EXPECT_THAT(config_error("handshake", "auth: static\ntokens: {0: x}\n"),
                HasSubstr("'0' is not a user id"));
    EXPECT_THAT(config_error("handshake", "auth: static\ntokens: {1: a, 01: b}\n"),
                HasSubstr("user 1 is listed twice"));
    EXPECT_THAT(config_error("handshake", "auth: static\ntokens: {1: \"\"}\n"),
                HasSubstr("the token of user 1 is empty"));
    // A forgotten `auth:` must not leave the broker open.
    EXPECT_THAT(config_error("handshake", "tokens: {1: x}\n"),
                HasSubstr("tokens is read only with 'auth: static' (auth is 'none')"));
    EXPECT_THAT(config_error("handshake", "secret: x\n"),
                HasSubstr("secret is read only with 'auth: hmac-sha256'"));
    EXPECT_THAT(config_error("handshake", "auth: hmac-sha256\n"), HasSubstr("'secret' is missing"));
    EXPECT_THAT(config_error("handshake", "auth: hmac-sha256\nsecret: \"\"\n"),
                HasSubstr("the secret is empty"));
    EXPECT_THAT(config_error("handshake", "duplicate_login: kick_old\n"),
                HasSubstr("'kick_old' is not a valid duplicate_login (one of: reject, kick)"));
    EXPECT_THAT(config_error("handshake", "auht: none\n"),
                HasSubstr("unknown key 'auht' in handler-handshake settings; did you mean "
                          "'auth'?"));
}

// --- heartbeat ---------------------------------------------------------------------------

TEST_F(HandlersTest, HeartbeatEchoesTheBody) {
    host.load("handler", "handshake");
    host.load("handler", "heartbeat");
    auto session = logged_in(3);
    wire::Heartbeat beat;
    beat.set_timestamp_ms(123456789);
    const Frame frame = Frame::make(FrameType::heartbeat, 3, kNoUser, beat);
    ASSERT_EQ(dispatch(session, frame).code(), ErrorCode::ok);
    ASSERT_EQ(session->sent.size(), 1u);
    EXPECT_EQ(session->sent[0].type(), FrameType::heartbeat);
    EXPECT_EQ(session->sent[0].sender(), kNoUser);
    EXPECT_EQ(session->sent[0].receiver(), 3u);
    EXPECT_THAT(
        std::vector<std::uint8_t>(session->sent[0].body().begin(), session->sent[0].body().end()),
        ::testing::ElementsAreArray(frame.body().begin(), frame.body().end()));
}

// --- private -----------------------------------------------------------------------------

TEST_F(HandlersTest, PrivateMessageIsRoutedAndAcked) {
    host.load("handler", "handshake");
    host.load("handler", "private");
    auto alice = logged_in(1);
    router.online.insert(2);
    const Frame frame = chat(FrameType::private_message, 1, 2, 55);
    const Outcome outcome = dispatch(alice, frame);
    ASSERT_EQ(outcome.code(), ErrorCode::ok) << outcome.message();
    EXPECT_EQ(outcome.ref_id, 55u);
    ASSERT_EQ(router.to_users.size(), 1u);
    EXPECT_EQ(router.to_users[0].bytes().data(), frame.bytes().data());  // forwarded as is
    // The router knows the client's id for it, so an undeliverable message can be reported.
    EXPECT_EQ(router.ref_ids[0], 55u);
    const wire::Ack ack = only_ack(*alice);
    EXPECT_EQ(ack.client_msg_id(), 55u);
    EXPECT_EQ(ack.server_msg_id(), 1001u);
}

TEST_F(HandlersTest, PrivateMessagesPipelineWithoutALogOnlyOnARouterThatSendsInOrder) {
    host.load("handler", "handshake");
    host.load("handler", "private");
    const Handler& handler = *host.handlers.at(FrameType::private_message);
    const Frame frame = chat(FrameType::private_message, 1, 2, 58);
    EXPECT_FALSE(handler.pipelines(frame, *node)) << "each waits for the transport";
    router.in_order = true;
    EXPECT_TRUE(handler.pipelines(frame, *node));

    // Sent through the pipelined route, which lets the next one start, and answered after.
    auto alice = logged_in(1);
    router.online.insert(2);
    ASSERT_EQ(dispatch(alice, frame).code(), ErrorCode::ok);
    EXPECT_EQ(router.pipelined_sends, 1);
    EXPECT_EQ(only_ack(*alice).client_msg_id(), 58u);

    // With a log, the log decides.
    host.load("message-log", "memory");
    node->log = host.message_log;
    EXPECT_EQ(handler.pipelines(frame, *node), host.message_log->keeps_append_order());
}

TEST_F(HandlersTest, PrivateMessageErrors) {
    host.load("handler", "handshake");
    host.load("handler", "private");
    auto alice = logged_in(1);

    const Outcome offline = dispatch(alice, chat(FrameType::private_message, 1, 2, 56));
    EXPECT_EQ(offline.code(), ErrorCode::recipient_unavailable);
    EXPECT_EQ(offline.message(), "user 2 is offline");
    EXPECT_EQ(offline.ref_id, 56u);

    const Outcome nobody = dispatch(alice, chat(FrameType::private_message, 1, 0, 57));
    EXPECT_EQ(nobody.code(), ErrorCode::recipient_unavailable);
    EXPECT_EQ(nobody.ref_id, 57u);

    const std::uint8_t garbage[] = {0x0A, 0xFF};
    const Outcome bad = dispatch(alice, Frame::make(FrameType::private_message, 1, 2, garbage));
    EXPECT_EQ(bad.code(), ErrorCode::bad_body);
    EXPECT_EQ(bad.message(), "private message body is not a ChatMessage");
    EXPECT_TRUE(alice->sent.empty());
}

// --- group -------------------------------------------------------------------------------

TEST_F(HandlersTest, GroupJoinSendLeave) {
    host.load("handler", "handshake");
    host.load("handler", "group");
    auto alice = logged_in(1);

    const Outcome outsider = dispatch(alice, chat(FrameType::group_message, 1, 9, 60));
    EXPECT_EQ(outsider.code(), ErrorCode::permission_denied);
    EXPECT_EQ(outsider.message(), "user 1 is not a member of group 9");
    EXPECT_EQ(outsider.ref_id, 60u);

    ASSERT_EQ(dispatch(alice, membership(FrameType::group_join, 1, 9, 61)).code(), ErrorCode::ok);
    EXPECT_EQ(only_ack(*alice).client_msg_id(), 61u);
    EXPECT_TRUE(run_awaitable(host.store->is_member(9, 1)));
    alice->sent.clear();

    const Frame message = chat(FrameType::group_message, 1, 9, 62);
    ASSERT_EQ(dispatch(alice, message).code(), ErrorCode::ok);
    EXPECT_THAT(router.to_groups, ElementsAre(9u));
    EXPECT_EQ(router.group_frames[0].bytes().data(), message.bytes().data());
    EXPECT_EQ(only_ack(*alice).client_msg_id(), 62u);
    alice->sent.clear();

    ASSERT_EQ(dispatch(alice, membership(FrameType::group_leave, 1, 9, 63)).code(), ErrorCode::ok);
    EXPECT_EQ(only_ack(*alice).client_msg_id(), 63u);
    alice->sent.clear();

    const Outcome again = dispatch(alice, membership(FrameType::group_leave, 1, 9, 64));
    EXPECT_EQ(again.code(), ErrorCode::permission_denied);
    EXPECT_EQ(again.ref_id, 64u);
}

TEST_F(HandlersTest, GroupMessageRefusedWhileTheFanOutIsBehindIsNeitherSentNorAcked) {
    host.load("handler", "handshake");
    host.load("handler", "group");
    auto alice = logged_in(1);
    ASSERT_EQ(dispatch(alice, membership(FrameType::group_join, 1, 9, 61)).code(), ErrorCode::ok);
    alice->sent.clear();

    router.group_refusal = Error(ErrorCode::rate_limited, "slow down", "retry_after_ms=250");
    const Outcome refused = dispatch(alice, chat(FrameType::group_message, 1, 9, 62));
    EXPECT_EQ(refused.code(), ErrorCode::rate_limited);
    EXPECT_EQ(refused.ref_id, 62u);
    EXPECT_THAT(router.refusal_asked, ElementsAre(9u));
    EXPECT_TRUE(router.to_groups.empty());
    EXPECT_TRUE(alice->sent.empty()) << "a refused message must not be acknowledged";

    router.group_refusal.reset();
    ASSERT_EQ(dispatch(alice, chat(FrameType::group_message, 1, 9, 63)).code(), ErrorCode::ok);
    EXPECT_THAT(router.to_groups, ElementsAre(9u));
    EXPECT_EQ(only_ack(*alice).client_msg_id(), 63u);
}

TEST_F(HandlersTest, GroupZeroIsABadBody) {
    host.load("handler", "handshake");
    host.load("handler", "group");
    auto alice = logged_in(1);
    for (const FrameType type : {FrameType::group_join, FrameType::group_leave}) {
        const Outcome outcome = dispatch(alice, membership(type, 1, 0, 70));
        EXPECT_EQ(outcome.code(), ErrorCode::bad_body);
        EXPECT_EQ(outcome.ref_id, 70u);
    }
    EXPECT_EQ(dispatch(alice, chat(FrameType::group_message, 1, 0, 71)).code(),
              ErrorCode::bad_body);
    // An empty body is a valid GroupMembership with client_msg_id 0.
    EXPECT_EQ(
        dispatch(alice, Frame::make(FrameType::group_join, 1, 5, std::span<const std::uint8_t>{}))
            .code(),
        ErrorCode::ok);
}

// --- presence ----------------------------------------------------------------------------

TEST_F(HandlersTest, PresencePagesAndClamps) {
    host.load("handler", "handshake");
    host.load("handler", "presence", "page_size: 2\nmax_page_size: 3\n");
    auto viewer = logged_in(10);
    for (UserId user = 1; user <= 5; ++user) {
        logged_in(user);
    }

    auto ask = [&](std::uint64_t cursor, std::uint32_t limit) {
        wire::PresenceRequest request;
        request.set_client_msg_id(80);
        request.set_cursor(cursor);
        request.set_limit(limit);
        viewer->sent.clear();
        const Outcome outcome =
            dispatch(viewer, Frame::make(FrameType::presence, 10, kNoUser, request));
        EXPECT_EQ(outcome.code(), ErrorCode::ok);
        EXPECT_EQ(outcome.ref_id, 80u);
        wire::PresenceList list;
        EXPECT_EQ(viewer->sent.size(), 1u);
        EXPECT_EQ(viewer->sent.at(0).type(), FrameType::presence);
        EXPECT_TRUE(viewer->sent.at(0).parse_body(list));
        EXPECT_EQ(list.client_msg_id(), 80u);
        EXPECT_EQ(list.total(), 6u);
        return list;
    };

    const wire::PresenceList defaults = ask(0, 0);
    EXPECT_THAT(defaults.users(), ElementsAre(1u, 2u));
    EXPECT_EQ(defaults.next_cursor(), 3u);
    const wire::PresenceList clamped = ask(defaults.next_cursor(), 50);
    EXPECT_THAT(clamped.users(), ElementsAre(3u, 4u, 5u));
    const wire::PresenceList last = ask(clamped.next_cursor(), 3);
    EXPECT_THAT(last.users(), ElementsAre(10u));
    EXPECT_EQ(last.next_cursor(), 0u);

    viewer->sent.clear();
    EXPECT_EQ(dispatch(viewer, Frame::make(FrameType::presence, 10, kNoUser,
                                           std::span<const std::uint8_t>{}))
                  .code(),
              ErrorCode::ok);
    ASSERT_EQ(viewer->sent.size(), 1u);
}

TEST(PresenceSettingsTest, MistakesAreConfigErrors) {
    EXPECT_THAT(config_error("presence", "page_size: 0\n"), HasSubstr("test.yaml:1:"));
    EXPECT_THAT(config_error("presence", "page_size: 2000\n"),
                HasSubstr("page_size (2000) is above max_page_size (1000)"));
    EXPECT_THAT(config_error("presence", "max_page_size: 10\n"),
                HasSubstr("page_size (100) is above max_page_size (10)"));
    EXPECT_THAT(config_error("presence", "pagesize: 10\n"), HasSubstr("did you mean 'page_size'?"));
}

TEST(HandlerPluginsTest, EachRegistersItsTypes) {
    PluginTestHost host;
    for (const char* name : {"handshake", "heartbeat", "private", "group", "presence"}) {
        host.load("handler", name);
    }
    std::vector<int> types;
    for (const auto& [type, handler] : host.handlers) {
        types.push_back(static_cast<int>(type));
        EXPECT_NE(handler, nullptr);
    }
    EXPECT_THAT(types, ElementsAre(0x01, 0x02, 0x03, 0x04, 0x07, 0x08, 0x09));
    EXPECT_THAT(config_error("heartbeat", "x: 1\n"), HasSubstr("unknown key 'x'"));
}

}  // namespace
}  // namespace parley::test
