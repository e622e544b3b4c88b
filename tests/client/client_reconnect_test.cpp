// The Client against real parleyd processes over loopback: heartbeats, servers that stop
// answering (SIGSTOP), shut down (SIGTERM), crash (SIGKILL), refuse connections, replace the
// session; and how the client reconnects or stops after each.

#include <chrono>
#include <csignal>
#include <string>

#include <gtest/gtest.h>

#include <parley/client/server_picker.hpp>

#include "client/client_harness.hpp"
#include "client/client_test.hpp"
#include "client/paused_daemon.hpp"
#include "client/refusing_port.hpp"

namespace parley::client::test {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

class ClientReconnect : public ClientTest {};

TEST_F(ClientReconnect, UnansweredHeartbeatsEndTheConnection) {
    const auto node = start_node(node_config());
    auto options = test_options(1);
    options.heartbeat_interval = milliseconds{50};
    options.max_missed_heartbeats = 2;
    ClientHarness harness({node->endpoint()}, options);
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected test-node " + node->endpoint() + " hb=50"))
        << harness.events().all();

    PausedDaemon paused(*node);
    const auto end = harness.events().wait_for("disconnected was=1 retry=1 refused=0");
    ASSERT_TRUE(end) << harness.events().all();
    EXPECT_NE(end->find("no reply to 2 heartbeats"), std::string::npos) << *end;
    paused.resume();
    EXPECT_TRUE(harness.events().wait_for("connected test-node ")) << harness.events().all();
    EXPECT_FALSE(harness.events().contains("refused=1")) << harness.events().all();
}

TEST_F(ClientReconnect, HeartbeatsKeepAQuietConnectionAlive) {
    // The node closes a session it has heard nothing from for 3 intervals of 100 ms.
    auto config = node_config();
    config.heartbeat_interval = "100ms";
    config.idle_heartbeats = 3;
    const auto node = start_node(config);

    // The node's interval is the default: this client heartbeats every 100 ms.
    ClientHarness by_server({node->endpoint()}, test_options(1));
    by_server.start();
    ASSERT_TRUE(by_server.events().wait_for("connected test-node " + node->endpoint() + " hb=100"))
        << by_server.events().all();
    // Its own interval wins; its heartbeats must be echoed, 3 missed ones end the connection.
    auto fast = test_options(2);
    fast.heartbeat_interval = milliseconds{50};
    fast.max_missed_heartbeats = 3;
    ClientHarness own({node->endpoint()}, fast);
    own.start();
    ASSERT_TRUE(own.events().wait_for("connected test-node " + node->endpoint() + " hb=50"))
        << own.events().all();
    // The control: heartbeats far apart, so the node closes it for idleness (5001), which the
    // client answers by reconnecting.
    auto slow = test_options(3);
    slow.heartbeat_interval = milliseconds{60000};
    ClientHarness idle({node->endpoint()}, slow);
    idle.start();
    EXPECT_TRUE(idle.events().wait_for("goodbye 5001")) << idle.events().all();
    EXPECT_TRUE(idle.events().wait_for("disconnected was=1 retry=1 refused=0"))
        << idle.events().all();
    EXPECT_TRUE(idle.events().wait_for("connected test-node ")) << idle.events().all();

    // Ten of the node's intervals with nothing to say but heartbeats.
    EXPECT_FALSE(by_server.events().wait_for("disconnected", 1000ms)) << by_server.events().all();
    EXPECT_EQ(own.events().count("disconnected"), 0) << own.events().all();
    for (auto* harness : {&by_server, &own}) {
        const auto id = harness->client().list_users();
        EXPECT_TRUE(harness->events().wait_for("users " + std::to_string(id) + " "))
            << harness->events().all();
        EXPECT_EQ(harness->events().count("connected"), 1) << harness->events().all();
    }
}

TEST_F(ClientReconnect, ASilentServerTimesOutTheHandshake) {
    const auto node = start_node(node_config());
    PausedDaemon paused(*node);  // the kernel still accepts the connection
    auto options = test_options(1);
    options.connect_timeout = milliseconds{300};
    ClientHarness harness({node->endpoint()}, options);
    harness.start();
    const auto end = harness.events().wait_for("disconnected was=0 retry=1 refused=0");
    ASSERT_TRUE(end) << harness.events().all();
    EXPECT_NE(end->find("no login within 300 ms"), std::string::npos) << *end;
    paused.resume();
    EXPECT_TRUE(harness.events().wait_for("connected test-node ")) << harness.events().all();
    EXPECT_FALSE(harness.events().contains("refused=1")) << harness.events().all();
}

TEST_F(ClientReconnect, AfterAnOutageItReplacesItsOwnStaleSessionUnderReject) {
    // The client gives up on a node that stopped answering before the node notices; when the
    // node comes back it still holds the old session, and the client's new login names it.
    auto config = node_config();
    config.duplicate_login = "reject";
    config.heartbeat_interval = "100ms";
    const auto node = start_node(config);
    auto options = test_options(1);
    options.max_missed_heartbeats = 2;
    ClientHarness harness({node->endpoint()}, options);
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected test-node " + node->endpoint() + " hb=100"))
        << harness.events().all();
    {
        PausedDaemon paused(*node);
        const auto end = harness.events().wait_for("disconnected was=1 retry=1 refused=0");
        ASSERT_TRUE(end) << harness.events().all();
        EXPECT_NE(end->find("no reply to 2 heartbeats"), std::string::npos) << *end;
    }
    EXPECT_TRUE(harness.events().wait_for("connected test-node ")) << harness.events().all();
    EXPECT_FALSE(harness.events().contains("refused=1")) << harness.events().all();
    EXPECT_FALSE(harness.events().contains("error 1002")) << harness.events().all();
    const auto id = harness.client().list_users();
    EXPECT_TRUE(harness.events().wait_for("users " + std::to_string(id) + " total=1 1"))
        << harness.events().all();
}

TEST_F(ClientReconnect, AfterALongOutageItStillLogsInAgainUnderReject) {
    // As above, but the outage also outlasts four login attempts: their handshakes wait in the
    // node's socket buffers and are read when it resumes, after the client gave up on them;
    // each may log in briefly and hold the user against the attempt that is still waiting.
    auto config = node_config();
    config.duplicate_login = "reject";
    config.heartbeat_interval = "100ms";
    const auto node = start_node(config);
    auto options = test_options(1);
    options.max_missed_heartbeats = 2;
    options.connect_timeout = milliseconds{100};
    ClientHarness harness({node->endpoint()}, options);
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected test-node ")) << harness.events().all();
    {
        PausedDaemon paused(*node);
        ASSERT_TRUE(harness.events().wait_for("disconnected was=1 retry=1 refused=0"))
            << harness.events().all();
        for (int attempt = 0; attempt < 4; ++attempt) {
            const auto end = harness.events().wait_for("disconnected was=0 retry=1 refused=0");
            ASSERT_TRUE(end) << harness.events().all();
            EXPECT_NE(end->find("no login within 100 ms"), std::string::npos) << *end;
        }
    }
    EXPECT_TRUE(harness.events().wait_for("connected test-node ")) << harness.events().all();
    EXPECT_FALSE(harness.events().contains("refused=1")) << harness.events().all();
    const auto id = harness.client().list_users();
    EXPECT_TRUE(harness.events().wait_for("users " + std::to_string(id) + " total=1 1"))
        << harness.events().all();
}

TEST_F(ClientReconnect, ADuplicateLoginThatMayBeItsOwnLateLoginIsRetriedButNotForever) {
    // A client that gave up on a handshake cannot tell a 1002 caused by the server logging
    // that handshake in late from one caused by somebody else: it retries once per abandoned
    // handshake. Here somebody else really holds the user, so the refusal ends up final.
    auto config = node_config();
    config.duplicate_login = "reject";
    const auto node = start_node(config);
    ClientHarness holder({node->endpoint()}, test_options(1));
    holder.start();
    ASSERT_TRUE(holder.events().wait_for("connected ")) << holder.events().all();

    auto options = test_options(1);
    options.connect_timeout = milliseconds{200};
    ClientHarness late({node->endpoint()}, options);
    {
        PausedDaemon paused(*node);
        late.start();
        const auto end = late.events().wait_for("disconnected was=0 retry=1 refused=0");
        ASSERT_TRUE(end) << late.events().all();
        EXPECT_NE(end->find("no login within 200 ms"), std::string::npos) << *end;
    }
    const auto end = late.events().wait_for("disconnected was=0 retry=0 refused=1");
    ASSERT_TRUE(end) << late.events().all();
    EXPECT_NE(end->find("login refused: 1002 DUPLICATE_LOGIN"), std::string::npos) << *end;
    const int abandoned = late.events().count_containing("no login within 200 ms");
    const int retried = late.events().count_containing("handshake failed: 1002 DUPLICATE_LOGIN");
    EXPECT_GE(retried, 1) << late.events().all();
    EXPECT_LE(retried, abandoned) << late.events().all();

    const auto id = holder.client().list_users();
    EXPECT_TRUE(holder.events().wait_for("users " + std::to_string(id) + " total=1 1"))
        << holder.events().all();
    EXPECT_EQ(holder.events().count("disconnected"), 0) << holder.events().all();
}

TEST_F(ClientReconnect, AShutdownGoodbyeMeansReconnectingElsewhere) {
    const auto a = start_node(node_config("node-a"));
    const auto b = start_node(node_config("node-b"));
    ClientHarness harness({a->endpoint(), b->endpoint()}, test_options(1));
    harness.start();
    const auto first = harness.events().wait_for("connected ");
    ASSERT_TRUE(first) << harness.events().all();
    const bool on_a = first->starts_with("connected node-a ");
    DaemonProcess& serving = on_a ? *a : *b;

    serving.send_signal(SIGTERM);
    EXPECT_TRUE(harness.events().wait_for("goodbye 5003")) << harness.events().all();
    const auto end = harness.events().wait_for("disconnected was=1 retry=1 refused=0");
    ASSERT_TRUE(end) << harness.events().all();
    EXPECT_NE(end->find("goodbye 5003 SERVER_SHUTDOWN"), std::string::npos) << *end;
    EXPECT_TRUE(harness.events().wait_for(on_a ? "connected node-b " : "connected node-a "))
        << harness.events().all();
    EXPECT_EQ(serving.wait_exit(10s), 0) << "the node shuts down cleanly";
}

TEST_F(ClientReconnect, ASessionReplacedElsewhereStopsTheClient) {
    auto config = node_config();
    config.duplicate_login = "kick";
    const auto node = start_node(config);
    ClientHarness first({node->endpoint()}, test_options(1));
    first.start();
    ASSERT_TRUE(first.events().wait_for("connected ")) << first.events().all();

    ClientHarness second({node->endpoint()}, test_options(1));
    second.start();
    ASSERT_TRUE(second.events().wait_for("connected ")) << second.events().all();
    EXPECT_TRUE(first.events().wait_for("goodbye 1004")) << first.events().all();
    const auto end = first.events().wait_for("disconnected was=1 retry=0 refused=0 caller=0");
    ASSERT_TRUE(end) << first.events().all();
    EXPECT_NE(end->find("goodbye 1004 SESSION_REPLACED"), std::string::npos) << *end;
    // Stopped for good: reconnecting would log the newer session out in turn.
    const auto late = first.client().send_private(2, "late");
    EXPECT_TRUE(first.events().wait_for("error 2000 " + std::to_string(late) + " not sent"))
        << first.events().all();

    const auto id = second.client().list_users();
    EXPECT_TRUE(second.events().wait_for("users " + std::to_string(id) + " total=1 1"))
        << second.events().all();
    EXPECT_EQ(second.events().count("disconnected"), 0) << second.events().all();
    EXPECT_EQ(first.events().count("connected"), 1) << first.events().all();
}

TEST_F(ClientReconnect, AfterACrashItPrefersAnotherServerWhateverThePolicy) {
    for (const auto& policy : server_policy_names()) {
        SCOPED_TRACE("policy " + policy);
        const auto a = start_node(node_config("node-a"));
        const auto b = start_node(node_config("node-b"));
        ClientHarness harness({a->endpoint(), b->endpoint()}, test_options(1), policy);
        harness.start();
        const auto first = harness.events().wait_for("connected ");
        ASSERT_TRUE(first) << harness.events().all();
        const bool on_a = first->starts_with("connected node-a ");
        (on_a ? a : b)->kill9();
        EXPECT_TRUE(harness.events().wait_for("disconnected was=1 retry=1 refused=0"))
            << harness.events().all();
        const auto next = harness.events().wait_for("connected ");
        ASSERT_TRUE(next) << harness.events().all();
        EXPECT_TRUE(next->starts_with(on_a ? "connected node-b " : "connected node-a "))
            << harness.events().all();
    }
}

TEST_F(ClientReconnect, ARefusedConnectionIsRetriedOnTheNextServer) {
    const RefusingPort nobody;
    const auto node = start_node(node_config());
    ClientHarness harness({nobody.endpoint(), node->endpoint()}, test_options(1));
    harness.start();  // round-robin: the refusing port first
    const auto end = harness.events().wait_for("disconnected was=0 retry=1 refused=0 caller=0 " +
                                               nobody.endpoint() + " ");
    ASSERT_TRUE(end) << harness.events().all();
    EXPECT_NE(end->find("connect to " + nobody.endpoint() + " failed"), std::string::npos) << *end;
    EXPECT_TRUE(harness.events().wait_for("connected test-node " + node->endpoint() + " "))
        << harness.events().all();
}

TEST_F(ClientReconnect, ANodeStartedAfterTheClientIsFound) {
    const RefusingPort port;
    ClientHarness harness({port.endpoint()}, test_options(1));
    harness.start();
    for (int attempt = 0; attempt < 3; ++attempt) {
        const auto end = harness.events().wait_for("disconnected was=0 retry=1 refused=0");
        ASSERT_TRUE(end) << harness.events().all();
        EXPECT_NE(end->find("connect to " + port.endpoint() + " failed"), std::string::npos)
            << *end;
    }
    auto config = node_config();
    config.listen = {port.endpoint()};  // bindable while held: both sides set SO_REUSEADDR
    const auto node = start_node(config);
    EXPECT_TRUE(harness.events().wait_for("connected test-node " + port.endpoint() + " "))
        << harness.events().all();
}

}  // namespace
}  // namespace parley::client::test
