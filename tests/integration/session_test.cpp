// Session lifecycle and bad input, end to end: logins, heartbeats, time-outs, garbage, faulty
// handlers and shutdown. Each test checks that the harm stays with the one session.
#include <csignal>
#include <thread>

#include "integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class SessionTest : public NodeTest {
  protected:
    std::vector<UserId> online(RawClient& client) {
        wire::PresenceRequest request;
        request.set_client_msg_id(1);
        EXPECT_TRUE(client.send_frame(FrameType::presence, kNoUser, kNoUser, request));
        const auto frame = read_until(client, FrameType::presence);
        wire::PresenceList list;
        if (!frame || !frame->parse_body(list)) {
            ADD_FAILURE() << "no presence list";
            return {};
        }
        return {list.users().begin(), list.users().end()};
    }
};

TEST_F(SessionTest, HeartbeatsAreEchoed) {
    start();
    auto alice = login(1);
    EXPECT_TRUE(still_serves(*alice));
}

TEST_F(SessionTest, FramesBeforeLoginAreRefusedButTheConnectionStays) {
    start();
    auto client = connect();
    ASSERT_TRUE(client->send_frame(FrameType::private_message, kNoUser, 2, chat(1, "hi")));
    EXPECT_TRUE(client->expect_error(ErrorCode::login_failed));
    const auto reply = client->handshake(1);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->type(), FrameType::handshake);
    wire::HandshakeOk ok;
    ASSERT_TRUE(reply->parse_body(ok));
    EXPECT_EQ(ok.user_id(), 1U);
    EXPECT_EQ(ok.node_id(), "test-node");
    EXPECT_GT(ok.heartbeat_interval_ms(), 0U);
}

TEST_F(SessionTest, DuplicateLoginIsRejectedUnderTheRejectPolicy) {
    config.duplicate_login = "reject";
    start();
    auto first = login(1);
    auto second = connect();
    ASSERT_TRUE(second->send_frame(FrameType::handshake, kNoUser, kNoUser, [] {
        wire::Handshake h;
        h.set_user_id(1);
        h.set_token("t");
        return h;
    }()));
    EXPECT_TRUE(second->expect_error(ErrorCode::duplicate_login));
    EXPECT_TRUE(still_serves(*first)) << "the first session is unharmed";

    auto bob = login(2);
    ASSERT_TRUE(bob->send_frame(FrameType::private_message, kNoUser, 1, chat(1, "to the first")));
    EXPECT_TRUE(acked(*bob, 1));
    EXPECT_TRUE(read_until(*first, FrameType::private_message).has_value());
}

TEST_F(SessionTest, AReconnectNamingItsPreviousSessionReplacesItUnderReject) {
    config.duplicate_login = "reject";
    start();
    auto stale = connect();
    const auto first = stale->handshake(1);
    ASSERT_TRUE(first.has_value());
    wire::HandshakeOk ok;
    ASSERT_TRUE(first->parse_body(ok));

    auto hello = [](std::uint64_t resume_epoch, const std::string& resume_token) {
        wire::Handshake h;
        h.set_user_id(1);
        h.set_token("t");
        h.set_resume_epoch(resume_epoch);
        h.set_resume_token(resume_token);
        return h;
    };
    ASSERT_EQ(ok.resume_token().size(), 32U) << "128 bits, in hex";
    auto stranger = connect();
    // The epoch is guessable from one's own logins; it no longer suffices alone.
    ASSERT_TRUE(stranger->send_frame(FrameType::handshake, kNoUser, kNoUser,
                                     hello(ok.session_epoch(), "")));
    EXPECT_TRUE(stranger->expect_error(ErrorCode::duplicate_login))
        << "the epoch alone does not replace the holder";
    ASSERT_TRUE(stranger->send_frame(FrameType::handshake, kNoUser, kNoUser,
                                     hello(ok.session_epoch(), std::string(32, '0'))));
    EXPECT_TRUE(stranger->expect_error(ErrorCode::duplicate_login))
        << "a wrong token changes nothing";

    auto back = connect();
    ASSERT_TRUE(back->send_frame(FrameType::handshake, kNoUser, kNoUser,
                                 hello(ok.session_epoch(), ok.resume_token())));
    const auto reply = back->read_frame();
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->type(), FrameType::handshake);
    EXPECT_TRUE(stale->expect_goodbye(ErrorCode::session_replaced));
    EXPECT_TRUE(still_serves(*back));
}

TEST_F(SessionTest, DuplicateLoginReplacesTheOldSessionUnderTheKickPolicy) {
    config.duplicate_login = "kick";
    start();
    auto first = login(1);
    auto second = login(1);
    EXPECT_TRUE(first->expect_goodbye(ErrorCode::session_replaced));
    EXPECT_TRUE(first->read_until_closed());

    auto bob = login(2);
    ASSERT_TRUE(bob->send_frame(FrameType::private_message, kNoUser, 1, chat(1, "to the new")));
    EXPECT_TRUE(acked(*bob, 1));
    EXPECT_TRUE(read_until(*second, FrameType::private_message).has_value());
}

TEST_F(SessionTest, SilentSessionIsClosedAndLeavesPresence) {
    config.heartbeat_interval = "200ms";
    config.idle_heartbeats = 2;
    start();
    auto silent = login(1);
    auto lively = login(2);
    // Keep user 2 talking while user 1 says nothing.
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    bool closed = false;
    while (!closed && std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(still_serves(*lively));
        const auto frame = silent->read_frame(100ms);
        if (frame && frame->type() == FrameType::goodbye) {
            wire::Goodbye goodbye;
            ASSERT_TRUE(frame->parse_body(goodbye));
            EXPECT_EQ(goodbye.code(), static_cast<unsigned>(ErrorCode::idle_timeout));
            closed = true;
        }
    }
    ASSERT_TRUE(closed) << "the silent session was not closed";
    EXPECT_TRUE(silent->read_until_closed());
    // Presence is cleared once the close is processed.
    std::vector<UserId> users;
    for (int attempt = 0; attempt < 20; ++attempt) {
        users = online(*lively);
        if (users == std::vector<UserId>{2}) {
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(users, std::vector<UserId>{2});
}

TEST_F(SessionTest, ConnectionWithoutHandshakeIsClosedAtTheDeadline) {
    config.handshake_timeout = "300ms";
    start();
    auto client = connect();
    EXPECT_TRUE(client->expect_goodbye(ErrorCode::handshake_timeout, 3s));
    EXPECT_TRUE(client->read_until_closed());
}

TEST_F(SessionTest, UnknownTypeIsAnErrorAndTheSessionLives) {
    start();
    auto alice = login(1);
    ASSERT_TRUE(alice->send_frame(FrameType{0x90}, kNoUser, kNoUser, std::string_view("?")));
    EXPECT_TRUE(alice->expect_error(ErrorCode::unknown_type));
    EXPECT_TRUE(still_serves(*alice));
}

TEST_F(SessionTest, HandlerExceptionsBecomeErrorsAndHarmNobody) {
    config.plugin_paths = {test_plugin_dir()};
    config.extra_handlers = {"faulty"};
    start();
    auto alice = login(1);
    auto bob = login(2);
    ASSERT_TRUE(alice->send_frame(FrameType{0x81}, kNoUser, kNoUser, std::string_view("")));
    wire::ErrorBody error;
    ASSERT_TRUE(alice->expect_error(ErrorCode::internal, RawClient::kTimeout, &error));
    EXPECT_EQ(error.ref_id(), 4242U);
    ASSERT_TRUE(alice->send_frame(FrameType{0x82}, kNoUser, kNoUser, std::string_view("")));
    EXPECT_TRUE(alice->expect_error(ErrorCode::permission_denied));
    EXPECT_TRUE(still_serves(*alice));
    EXPECT_TRUE(still_serves(*bob));
    EXPECT_NE(daemon->log_text().find("faulty handler exploded"), std::string::npos)
        << "the failure is logged";
}

TEST_F(SessionTest, APluginsOwnEnvelopeKindReachesItsEnvelopeHandler) {
    config.plugin_paths = {test_plugin_dir()};
    config.extra_handlers = {"envelope-echo"};
    start();
    auto alice = login(1);
    ASSERT_TRUE(alice->send_frame(FrameType{0x83}, kNoUser, kNoUser, std::string_view("ping")));
    // Through the router, the transport and the node's table of envelope kinds, and back.
    const auto echoed = read_until(*alice, FrameType{0x83});
    ASSERT_TRUE(echoed.has_value());
    EXPECT_EQ(std::string(echoed->body().begin(), echoed->body().end()), "ping");
}

TEST_F(SessionTest, SpoofedSenderIsRefusedAndNothingIsDelivered) {
    start();
    auto alice = login(1);
    auto bob = login(2);
    auto carol = login(3);
    ASSERT_TRUE(alice->send_frame(FrameType::private_message, 3, 2, chat(1, "I am carol")));
    EXPECT_TRUE(alice->expect_error(ErrorCode::permission_denied));
    EXPECT_FALSE(read_until(*bob, FrameType::private_message, 300ms).has_value());
    EXPECT_TRUE(still_serves(*alice));
}

TEST_F(SessionTest, GarbageEndsOnlyThatConnection) {
    start();
    auto vandal = login(1);
    auto alice = login(2);
    auto bob = login(3);
    const std::string garbage = "GET / HTTP/1.1\r\n\r\n";
    ASSERT_TRUE(vandal->send_bytes(
        {reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size()}));
    EXPECT_TRUE(vandal->expect_error(ErrorCode::bad_frame));
    EXPECT_TRUE(vandal->expect_goodbye(ErrorCode::bad_frame));
    EXPECT_TRUE(vandal->read_until_closed());

    ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, 3, chat(1, "still fine")));
    EXPECT_TRUE(acked(*alice, 1));
    EXPECT_TRUE(read_until(*bob, FrameType::private_message).has_value());
}

TEST_F(SessionTest, OversizeLengthIsRefusedBeforeTheBodyArrives) {
    config.max_frame_size = "1KiB";
    start();
    auto alice = login(1);
    // A header announcing a 2 KiB body, and no body: the server must not wait for it.
    std::vector<std::uint8_t> header(kFrameHeaderSize);
    header[0] = kFrameMagic;
    put_u32(header.data() + 1, kMinFrameLength + 2048);
    header[5] = static_cast<std::uint8_t>(FrameType::private_message);
    ASSERT_TRUE(alice->send_bytes(header));
    EXPECT_TRUE(alice->expect_error(ErrorCode::frame_too_large));
    EXPECT_TRUE(alice->read_until_closed());
}

TEST_F(SessionTest, ReaderThatFallsBehindIsDisconnectedNotBuffered) {
    config.max_frame_size = "16KiB";
    config.write_queue_limit = "64KiB";
    start();
    auto sender = login(1);
    auto sleeper = login(2);  // never reads until the end
    const std::string big(16000, 'x');
    // Far more than the kernel's socket buffers and the 64 KiB queue can hold; bounded in count
    // and time.
    bool refused = false;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    for (int i = 1; i <= 20000 && !refused && std::chrono::steady_clock::now() < deadline; ++i) {
        ASSERT_TRUE(sender->send_frame(FrameType::private_message, kNoUser, 2, chat(i, big)));
        if (i % 10 == 0) {
            // Read the replies as they come (the sender must not fall behind itself); once
            // user 2 is gone, messages to it come back as recipient_unavailable.
            while (auto frame = sender->read_frame(5ms)) {
                wire::ErrorBody error;
                refused = refused ||
                          (frame->type() == FrameType::error && frame->parse_body(error) &&
                           error.code() == static_cast<unsigned>(ErrorCode::recipient_unavailable));
            }
        }
    }
    EXPECT_TRUE(refused) << "user 2 was never disconnected";
    EXPECT_NE(daemon->log_text().find("over the limit"), std::string::npos);
    EXPECT_TRUE(sleeper->read_until_closed(10s));
    EXPECT_TRUE(still_serves(*sender));
}

TEST_F(SessionTest, HangupIsLoggedAndIgnored) {
    start();
    auto alice = login(1);
    for (int i = 0; i < 2; ++i) {  // not only the first: the wait is re-armed
        daemon->send_signal(SIGHUP);
        const std::string line = "SIGHUP received; configuration reload is not supported, ignoring";
        ASSERT_TRUE(daemon->wait_for_log(line, 5s)) << daemon->log_text();
        EXPECT_TRUE(still_serves(*alice)) << "after SIGHUP " << i + 1;
        EXPECT_TRUE(daemon->running());
    }
    auto bob = login(2);
    EXPECT_TRUE(still_serves(*bob)) << "still accepting";
}

TEST_F(SessionTest, BadUtf8InAHandshakeIsLoggedThroughTheLogNotStderr) {
    start();
    auto client = connect();
    // Handshake{user_id: 1, token: "\xff\xfe"}: a proto3 string must be UTF-8.
    const std::string body{"\x08\x01\x12\x02\xff\xfe", 6};
    ASSERT_TRUE(client->send_frame(FrameType::handshake, kNoUser, kNoUser, body));
    EXPECT_TRUE(client->expect_error(ErrorCode::bad_body));
    ASSERT_TRUE(daemon->wait_for_log("warning protobuf: String field contains invalid UTF-8", 5s))
        << daemon->log_text();
    const auto log = daemon->log_text();
    EXPECT_EQ(log.find("[libprotobuf"), std::string::npos) << "protobuf's own stderr line: " << log;
}

TEST_F(SessionTest, ShutdownTellsClientsAndExitsCleanly) {
    start();
    auto alice = login(1);
    auto bob = login(2);
    daemon->send_signal(SIGTERM);
    EXPECT_TRUE(alice->expect_goodbye(ErrorCode::server_shutdown));
    EXPECT_TRUE(bob->expect_goodbye(ErrorCode::server_shutdown));
    EXPECT_TRUE(alice->read_until_closed());
    const auto status = daemon->wait_exit(10s);
    ASSERT_TRUE(status.has_value()) << "parleyd did not exit";
    EXPECT_EQ(*status, 0);
    // Nothing listens any more.
    RawClient late;
    EXPECT_FALSE(late.connect(daemon->endpoint(), 1s));
}

}  // namespace
}  // namespace parley::test
