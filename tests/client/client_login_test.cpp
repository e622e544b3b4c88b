// The Client against real parleyd processes over loopback: login, the answers to each kind of
// request, refused logins, stop() and --no-reconnect.

#include <csignal>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "client/client_harness.hpp"
#include "client/client_test.hpp"

namespace parley::client::test {
namespace {

using std::chrono::milliseconds;

class ClientLogin : public ClientTest {};

TEST_F(ClientLogin, TwoClientsLogInAndEveryRequestIsAnswered) {
    auto config = node_config("n1");
    config.heartbeat_interval = "4s";
    const auto node = start_node(config);
    ClientHarness bob({node->endpoint()}, test_options(2));
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("connected n1 " + node->endpoint() + " hb=4000"))
        << bob.events().all();
    EXPECT_EQ(bob.client().join(7), 1U);
    ASSERT_TRUE(bob.events().wait_for("ack 1 ")) << bob.events().all();

    ClientHarness alice({node->endpoint()}, test_options(1));
    alice.start();
    ASSERT_TRUE(alice.events().wait_for("connected n1 " + node->endpoint() + " hb=4000"))
        << alice.events().all();

    EXPECT_EQ(alice.client().send_private(2, "hello"), 1U);
    EXPECT_TRUE(alice.events().wait_for("ack 1 ")) << alice.events().all();
    EXPECT_TRUE(bob.events().wait_for("msg 1 2 1 hello")) << bob.events().all();

    EXPECT_EQ(alice.client().join(7), 2U);
    EXPECT_TRUE(alice.events().wait_for("ack 2 ")) << alice.events().all();
    EXPECT_EQ(alice.client().send_group(7, "hi all"), 3U);
    EXPECT_TRUE(alice.events().wait_for("ack 3 ")) << alice.events().all();
    EXPECT_TRUE(bob.events().wait_for("group 1 7 3 hi all")) << bob.events().all();

    EXPECT_EQ(alice.client().list_users(), 4U);
    EXPECT_EQ(alice.events().wait_for("users 4 "), "users 4 total=2 1 2") << alice.events().all();
    EXPECT_EQ(alice.client().list_users(0, 1), 5U);
    EXPECT_EQ(alice.events().wait_for("users 5 "), "users 5 total=2 1") << alice.events().all();

    EXPECT_EQ(alice.client().leave(7), 6U);
    EXPECT_TRUE(alice.events().wait_for("ack 6 ")) << alice.events().all();
    EXPECT_EQ(alice.client().send_group(7, "not a member"), 7U);
    EXPECT_TRUE(alice.events().wait_for("error 1001 7 ")) << alice.events().all();
    EXPECT_EQ(alice.client().send_private(9, "nobody home"), 8U);
    EXPECT_TRUE(alice.events().wait_for("error 1003 8 ")) << alice.events().all();

    EXPECT_EQ(alice.events().count("disconnected"), 0) << alice.events().all();
    EXPECT_EQ(bob.events().count("msg") + bob.events().count("group"), 2) << bob.events().all();
}

TEST_F(ClientLogin, RequestsBeforeLoginWaitForIt) {
    const auto node = start_node(node_config());
    ClientHarness bob({node->endpoint()}, test_options(2));
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("connected ")) << bob.events().all();

    ClientHarness alice({node->endpoint()}, test_options(1));
    const auto id = alice.client().send_private(2, "early");
    alice.start();
    EXPECT_TRUE(alice.events().wait_for("connected ")) << alice.events().all();
    EXPECT_TRUE(alice.events().wait_for("ack " + std::to_string(id) + " ")) << alice.events().all();
    EXPECT_TRUE(bob.events().wait_for("msg 1 2 " + std::to_string(id) + " early"))
        << bob.events().all();
}

TEST_F(ClientLogin, ADuplicateLoginIsRefusedAndNotRetried) {
    auto config = node_config();
    config.duplicate_login = "reject";
    const auto node = start_node(config);
    ClientHarness first({node->endpoint()}, test_options(1));
    first.start();
    ASSERT_TRUE(first.events().wait_for("connected ")) << first.events().all();

    ClientHarness second({node->endpoint()}, test_options(1));
    second.start();
    EXPECT_TRUE(second.events().wait_for("error 1002 0 ")) << second.events().all();
    const auto end = second.events().wait_for("disconnected was=0 retry=0 refused=1 caller=0");
    ASSERT_TRUE(end) << second.events().all();
    EXPECT_NE(end->find("login refused: 1002 DUPLICATE_LOGIN"), std::string::npos) << *end;
    // The client stopped for good: a later request is refused at once, not kept for a login.
    EXPECT_EQ(second.client().send_private(2, "too late"), 1U);
    const auto refused = second.events().wait_for("error 2000 1 ");
    ASSERT_TRUE(refused) << second.events().all();
    EXPECT_NE(refused->find("not sent"), std::string::npos) << *refused;
    EXPECT_EQ(second.events().count("disconnected"), 1) << second.events().all();

    // The first session is untouched.
    EXPECT_EQ(first.client().list_users(), 1U);
    EXPECT_TRUE(first.events().wait_for("users 1 total=1 1")) << first.events().all();
    EXPECT_EQ(first.events().count("disconnected"), 0) << first.events().all();
}

TEST_F(ClientLogin, ABadTokenIsRefusedAndNotRetried) {
    auto config = node_config();
    config.handshake_settings = {"auth: static", "tokens: {5: right}"};
    const auto node = start_node(config);
    auto options = test_options(5);
    options.token = "wrong";
    ClientHarness wrong({node->endpoint()}, options);
    wrong.start();
    EXPECT_TRUE(wrong.events().wait_for("error 1000 0 ")) << wrong.events().all();
    const auto end = wrong.events().wait_for("disconnected was=0 retry=0 refused=1 caller=0");
    ASSERT_TRUE(end) << wrong.events().all();
    EXPECT_NE(end->find("login refused: 1000 LOGIN_FAILED"), std::string::npos) << *end;
    EXPECT_EQ(wrong.client().list_users(), 1U);
    EXPECT_TRUE(wrong.events().wait_for("error 2000 1 not sent")) << wrong.events().all();

    options.token = "right";
    ClientHarness right({node->endpoint()}, options);
    right.start();
    EXPECT_TRUE(right.events().wait_for("connected test-node ")) << right.events().all();
}

TEST_F(ClientLogin, OtherHandshakeErrorsAreRetried) {
    // A handshake larger than the node's max_frame_size is refused with FRAME_TOO_LARGE
    // (3002), which a retry could cure (a node with a larger limit), unlike a 1xxx refusal.
    auto config = node_config();
    config.max_frame_size = "1KiB";
    const auto node = start_node(config);
    auto options = test_options(1);
    options.token = std::string(2048, 't');
    ClientHarness harness({node->endpoint()}, options);
    harness.start();
    for (int attempt = 0; attempt < 3; ++attempt) {
        EXPECT_TRUE(harness.events().wait_for("error 3002 0 ")) << harness.events().all();
        const auto end = harness.events().wait_for("disconnected was=0 retry=1 refused=0");
        ASSERT_TRUE(end) << harness.events().all();
        EXPECT_NE(end->find("handshake failed: 3002 FRAME_TOO_LARGE"), std::string::npos) << *end;
    }
}

TEST_F(ClientLogin, StopEndsForGoodAndRefusesLaterRequests) {
    const auto node = start_node(node_config());
    ClientHarness watcher({node->endpoint()}, test_options(2));
    watcher.start();
    ASSERT_TRUE(watcher.events().wait_for("connected ")) << watcher.events().all();

    ClientHarness harness({node->endpoint()}, test_options(1));
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected ")) << harness.events().all();
    harness.client().stop();
    const auto end = harness.events().wait_for("disconnected was=1 retry=0 refused=0 caller=1");
    ASSERT_TRUE(end) << harness.events().all();
    EXPECT_NE(end->find("stopped by the caller"), std::string::npos) << *end;
    const auto id = harness.client().send_private(2, "after stop");
    EXPECT_TRUE(harness.events().wait_for("error 2000 " + std::to_string(id) + " not sent"))
        << harness.events().all();

    // The server saw the connection close: user 1 leaves the online list and stays away.
    bool gone = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!gone && std::chrono::steady_clock::now() < deadline) {
        const auto request = watcher.client().list_users();
        const auto page = watcher.events().wait_for("users " + std::to_string(request) + " ");
        ASSERT_TRUE(page) << watcher.events().all();
        gone = page->ends_with(" total=1 2");
        if (!gone) {
            std::this_thread::sleep_for(milliseconds{20});  // polling, bounded by the deadline
        }
    }
    EXPECT_TRUE(gone) << watcher.events().all();
    EXPECT_EQ(harness.events().count("connected"), 1) << harness.events().all();
}

TEST_F(ClientLogin, WithoutReconnectADropStopsTheClient) {
    const auto node = start_node(node_config());
    auto options = test_options(1);
    options.reconnect = false;
    ClientHarness harness({node->endpoint()}, options);
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected ")) << harness.events().all();
    node->kill9();
    EXPECT_TRUE(harness.events().wait_for("disconnected was=1 retry=0 refused=0 caller=0"))
        << harness.events().all();
    EXPECT_EQ(harness.client().send_private(2, "after the drop"), 1U);
    EXPECT_TRUE(harness.events().wait_for("error 2000 1 not sent")) << harness.events().all();
}

}  // namespace
}  // namespace parley::client::test
