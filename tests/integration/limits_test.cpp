// Limits that hold under abuse, end to end against a real parleyd: memory a header cannot
// reserve, connection limits answered with a GOODBYE (descriptor exhaustion included), ids that
// do not fit 32 bits, and the ERROR after a bad header reaching the client.
#include <fstream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

// A /proc/<pid>/status field in KiB ("VmRSS", "VmSize").
std::uint64_t status_kib(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::stoull(line.substr(field.size() + 1));
        }
    }
    ADD_FAILURE() << "no " << field << " for pid " << pid;
    return 0;
}

std::size_t open_descriptors(pid_t pid) {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
        ++count;
    }
    return count;
}

// A header announcing `body` bytes of frame type `type`.
std::vector<std::uint8_t> header_announcing(std::uint32_t body, FrameType type) {
    std::vector<std::uint8_t> header(kFrameHeaderSize, 0);
    header[0] = kFrameMagic;
    put_u32(header.data() + 1, kMinFrameLength + body);
    header[5] = static_cast<std::uint8_t>(type);
    return header;
}

class LimitsTest : public NodeTest {};

TEST_F(LimitsTest, HugeHeadersBeforeAndAfterLoginDoNotReserveTheirBodies) {
    config.max_frame_size = "64MiB";
    config.write_queue_limit = "128MiB";
    start();
    // Sixteen logged-in clients first, so the node's threads and arenas exist before measuring.
    std::vector<std::unique_ptr<RawClient>> users;
    for (UserId user = 1; user <= 16; ++user) {
        users.push_back(login(user));
        ASSERT_TRUE(still_serves(*users.back()));
    }
    const std::uint64_t size_before = status_kib(daemon->pid(), "VmSize");

    // Before login: refused at the header, with the code for an oversized frame.
    std::vector<std::unique_ptr<RawClient>> strangers;
    for (int i = 0; i < 16; ++i) {
        strangers.push_back(connect());
        ASSERT_TRUE(
            strangers.back()->send_bytes(header_announcing(64 * 1024 * 1024, FrameType{0x80})));
    }
    for (auto& stranger : strangers) {
        EXPECT_TRUE(stranger->expect_error(ErrorCode::frame_too_large));
        EXPECT_TRUE(stranger->expect_goodbye(ErrorCode::frame_too_large));
    }
    // After login the full size is allowed, but a header and 100 KiB cost about 100 KiB.
    const std::vector<std::uint8_t> some_body(100 * 1024, 'x');
    for (auto& user : users) {
        ASSERT_TRUE(user->send_bytes(header_announcing(64 * 1024 * 1024, FrameType{0x80})));
        ASSERT_TRUE(user->send_bytes(some_body));
    }
    std::this_thread::sleep_for(300ms);  // the node reads what was sent; no assertion on time
    const std::uint64_t rss = status_kib(daemon->pid(), "VmRSS");
    const std::uint64_t size_after = status_kib(daemon->pid(), "VmSize");
    // Reserving the announced bodies would be 16 x 64 MiB = 1 GiB.
    EXPECT_LT(rss, 256U * 1024) << "VmRSS " << rss << " KiB";
    EXPECT_LT(size_after - std::min(size_after, size_before), 256U * 1024)
        << "VmSize grew from " << size_before << " to " << size_after << " KiB";
}

TEST_F(LimitsTest, AConnectionOverThePerAddressLimitIsAnsweredServerBusy) {
    config.server_settings = {"max_connections_per_address: 3"};
    start();
    auto a = login(1);
    auto b = connect();
    auto c = connect();
    ASSERT_TRUE(still_serves(*a));
    // The node has b and c once each answers a frame before login: connections may be accepted
    // out of order, and the one over the limit must be the last.
    for (auto* waiting : {b.get(), c.get()}) {
        ASSERT_TRUE(waiting->send_frame(FrameType::heartbeat, kNoUser, kNoUser, "x"));
        ASSERT_TRUE(waiting->expect_error(ErrorCode::login_failed));
    }
    auto extra = connect();
    EXPECT_TRUE(extra->expect_goodbye(ErrorCode::server_busy));
    EXPECT_TRUE(extra->read_until_closed());

    c->close();
    // Once the node has seen the close, the address has room again.
    bool served = false;
    for (int attempt = 0; attempt < 50 && !served; ++attempt) {
        auto again = connect();
        const auto reply = again->handshake(2);
        served = reply && reply->type() == FrameType::handshake;
        if (!served) {
            std::this_thread::sleep_for(50ms);
        }
    }
    EXPECT_TRUE(served);
    EXPECT_NE(daemon->log_text().find("5004"), std::string::npos) << "the refusal is logged";
}

TEST_F(LimitsTest, PreLoginConnectionsHaveTheirOwnCapAndLoggingInFreesASlot) {
    config.server_settings = {"max_prelogin_connections: 2"};
    start();
    auto first = connect();
    auto second = connect();
    ASSERT_TRUE(first->send_frame(FrameType::heartbeat, kNoUser, kNoUser, "x"));
    ASSERT_TRUE(first->expect_error(ErrorCode::login_failed));  // the node has both by now
    ASSERT_TRUE(second->send_frame(FrameType::heartbeat, kNoUser, kNoUser, "x"));
    ASSERT_TRUE(second->expect_error(ErrorCode::login_failed));
    auto third = connect();
    EXPECT_TRUE(third->expect_goodbye(ErrorCode::server_busy));

    const auto ok = first->handshake(1);
    ASSERT_TRUE(ok && ok->type() == FrameType::handshake);
    auto fourth = connect();
    const auto reply = fourth->handshake(2);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->type(), FrameType::handshake) << "a login freed a pre-login slot";
}

TEST_F(LimitsTest, AClientArrivingWhenTheNodeIsOutOfDescriptorsIsAnswered) {
    start();
    auto alice = login(1);
    // Leave the node a handful of descriptors, as `ulimit -n` would.
    const rlim_t limit = open_descriptors(daemon->pid()) + 3;
    const rlimit low{limit, limit};
    ASSERT_EQ(::prlimit(daemon->pid(), RLIMIT_NOFILE, &low, nullptr), 0);

    std::vector<std::unique_ptr<RawClient>> clients;
    bool refused = false;
    for (int i = 0; i < 10 && !refused; ++i) {
        clients.push_back(connect());
        const auto reply = clients.back()->handshake(static_cast<UserId>(100 + i));
        ASSERT_TRUE(reply.has_value()) << "connection " << i << " was left unanswered";
        if (reply->type() == FrameType::goodbye) {
            wire::Goodbye goodbye;
            ASSERT_TRUE(reply->parse_body(goodbye));
            EXPECT_EQ(goodbye.code(), static_cast<unsigned>(ErrorCode::server_busy));
            refused = true;
        }
    }
    EXPECT_TRUE(refused) << "the descriptors never ran out";
    EXPECT_TRUE(still_serves(*alice)) << "the node serves its sessions on";
    // The refusal is logged as it happens; the line may reach the file a moment after the
    // client saw the GOODBYE.
    EXPECT_TRUE(daemon->wait_for_log("out of file descriptors", std::chrono::seconds(5)));
}

TEST_F(LimitsTest, AUserIdThatDoesNotFitThirtyTwoBitsIsRefused) {
    start();
    auto client = connect();
    // Handshake{user_id: 2^32 + 42, token: "t"}, encoded by hand: protobuf cannot encode it
    // into a uint32 field.
    const std::string body{"\x08\xAA\x80\x80\x80\x10\x12\x01t", 9};
    ASSERT_TRUE(client->send_frame(FrameType::handshake, kNoUser, kNoUser, body));
    EXPECT_TRUE(client->expect_error(ErrorCode::bad_body));
    auto user42 = login(42);
    EXPECT_TRUE(still_serves(*user42)) << "user 42 was never logged in by the wide id";
}

TEST_F(LimitsTest, TheErrorAfterABadHeaderWithTrailingBytesReachesTheClient) {
    start();
    auto client = login(1);
    wire::Heartbeat beat;
    beat.set_timestamp_ms(7);
    ASSERT_TRUE(client->send_frame(FrameType::heartbeat, kNoUser, kNoUser, beat));
    std::vector<std::uint8_t> garbage(200 * 1024, 0x55);  // a bad magic, then much more
    ASSERT_TRUE(client->send_bytes(garbage));
    const auto echo = client->read_frame();
    ASSERT_TRUE(echo.has_value()) << "the answer to the earlier request was lost";
    EXPECT_EQ(echo->type(), FrameType::heartbeat);
    EXPECT_TRUE(client->expect_error(ErrorCode::bad_frame));
    EXPECT_TRUE(client->expect_goodbye(ErrorCode::bad_frame));
    EXPECT_TRUE(client->read_until_closed());
}

std::optional<Frame> try_login(RawClient& client, UserId user, const std::string& token) {
    wire::Handshake hello;
    hello.set_user_id(user);
    hello.set_token(token);
    EXPECT_TRUE(client.send_frame(FrameType::handshake, kNoUser, kNoUser, hello));
    return client.read_frame();
}

std::uint32_t error_code_of(const std::optional<Frame>& frame, wire::ErrorBody* out = nullptr) {
    wire::ErrorBody error;
    if (!frame || frame->type() != FrameType::error || !frame->parse_body(error)) {
        return 0;
    }
    if (out != nullptr) {
        *out = error;
    }
    return error.code();
}

TEST_F(LimitsTest, FailedLoginsOnOneConnectionEndIt) {
    config.handshake_settings = {"auth: static", "tokens: {1: right}"};
    config.server_settings = {"max_failed_logins: 3", "failed_login_delay: 1ms",
                              "failed_login_burst: 100"};
    start();
    auto guesser = connect();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(error_code_of(try_login(*guesser, 1, "guess" + std::to_string(i))),
                  static_cast<unsigned>(ErrorCode::login_failed));
    }
    EXPECT_TRUE(guesser->expect_goodbye(ErrorCode::too_many_failed_logins));
    EXPECT_TRUE(guesser->read_until_closed());
    const std::string log = daemon->log_text();
    EXPECT_NE(log.find("failed login 1 of 3"), std::string::npos) << log;
    EXPECT_EQ(log.find("guess"), std::string::npos) << "a token never reaches the log";
}

TEST_F(LimitsTest, AnAddressOverItsFailedLoginRateIsRefusedWithRetryAfter) {
    config.handshake_settings = {"auth: static", "tokens: {1: right}"};
    config.server_settings = {"failed_login_burst: 2", "failed_login_rate: 0.01",
                              "failed_login_delay: 1ms"};
    start();
    for (int i = 0; i < 2; ++i) {
        auto guesser = connect();  // a fresh connection per guess does not help
        EXPECT_EQ(error_code_of(try_login(*guesser, 1, "wrong")),
                  static_cast<unsigned>(ErrorCode::login_failed));
    }
    auto next = connect();
    wire::ErrorBody error;
    EXPECT_EQ(error_code_of(try_login(*next, 1, "right"), &error),
              static_cast<unsigned>(ErrorCode::rate_limited))
        << "while the address is throttled, not even the right token is heard";
    EXPECT_EQ(error.data().rfind("retry_after_ms=", 0), 0U) << error.data();
}

TEST_F(LimitsTest, TheRateLimitInterceptorCountsHandshakesByAddress) {
    config.interceptors = {
        "{plugin: rate-limit, settings: {messages_per_second: 0.01, burst: 2, types: "
        "[handshake, join]}}"};
    start();
    auto a = login(1);
    auto b = login(2);
    auto c = connect();
    EXPECT_EQ(error_code_of(try_login(*c, 3, "t")), static_cast<unsigned>(ErrorCode::rate_limited));
}

TEST_F(LimitsTest, GuessingTheResumeCredentialFromOnesOwnLoginFails) {
    config.duplicate_login = "reject";
    start();
    // The attacker logs in as itself to learn how epochs and tokens look.
    auto attacker = connect();
    const auto own = attacker->handshake(2);
    ASSERT_TRUE(own.has_value());
    wire::HandshakeOk mine;
    ASSERT_TRUE(own->parse_body(mine));
    auto victim = login(1);
    for (std::uint64_t guess = 1; guess <= 8; ++guess) {
        auto probe = connect();
        wire::Handshake hello;
        hello.set_user_id(1);
        hello.set_token("stolen");
        hello.set_resume_epoch(mine.session_epoch() + guess);  // the next epochs of the node
        hello.set_resume_token(mine.resume_token());           // a token of another session
        ASSERT_TRUE(probe->send_frame(FrameType::handshake, kNoUser, kNoUser, hello));
        EXPECT_TRUE(probe->expect_error(ErrorCode::duplicate_login)) << "guess " << guess;
    }
    EXPECT_TRUE(still_serves(*victim)) << "the victim was never kicked";
}

}  // namespace
}  // namespace parley::test
