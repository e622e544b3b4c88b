// The Client against real parleyd processes over loopback: plugin frames, errors that name no
// request, and requests whose connection ends before their answer.

#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include <parley/frame.hpp>

#include "client/client_harness.hpp"
#include "client/client_test.hpp"
#include "client/paused_daemon.hpp"

namespace parley::client::test {
namespace {

Frame raw_frame(std::uint8_t type, std::string_view body) {
    return Frame::make(FrameType{type}, kNoUser, kNoUser,
                       {reinterpret_cast<const std::uint8_t*>(body.data()), body.size()});
}

class ClientRequests : public ClientTest {};

TEST_F(ClientRequests, PluginFramesComeBackThroughOnFrame) {
    // The dice example handler answers type 0x80 with a 0x80 frame of its own.
    auto config = node_config();
    config.plugin_paths = {client_test_plugin_dir()};
    config.extra_handlers = {"{plugin: dice, settings: {sides: 6}}"};
    const auto node = start_node(config);
    ClientHarness harness({node->endpoint()}, test_options(1));
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected ")) << harness.events().all();

    harness.client().send_raw(raw_frame(0x80, "2d6"));
    EXPECT_TRUE(harness.events().wait_for("frame 128 2d6: ")) << harness.events().all();
    harness.client().send_raw(raw_frame(0x80, "lots"));
    EXPECT_TRUE(harness.events().wait_for("error 3003 0 bad dice request 'lots'"))
        << harness.events().all();
    EXPECT_EQ(harness.events().count("disconnected"), 0) << harness.events().all();
}

TEST_F(ClientRequests, PluginErrorsKeepTheirRefIdAndUnknownTypesAreRefused) {
    // The faulty test handler fails type 0x81 with an internal error naming request 4242.
    auto config = node_config();
    config.plugin_paths = {test_plugin_dir()};
    config.extra_handlers = {"faulty"};
    const auto node = start_node(config);
    ClientHarness harness({node->endpoint()}, test_options(1));
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected ")) << harness.events().all();

    harness.client().send_raw(raw_frame(0x81, ""));
    EXPECT_TRUE(harness.events().wait_for("error 9000 4242 ")) << harness.events().all();
    harness.client().send_raw(raw_frame(0x90, "?"));
    EXPECT_TRUE(harness.events().wait_for("error 3001 0 ")) << harness.events().all();
    // The session lives on.
    const auto id = harness.client().list_users();
    EXPECT_TRUE(harness.events().wait_for("users " + std::to_string(id) + " total=1 1"))
        << harness.events().all();
    EXPECT_EQ(harness.events().count("disconnected"), 0) << harness.events().all();
}

TEST_F(ClientRequests, ErrorsWithoutRefIdAreMatchedToTheOldestRequestOfTheirType) {
    // The rate limiter refuses chat frames before their body is read, so its errors carry no
    // request id, only the frame type; the client matches them by type, in order.
    auto config = node_config();
    // So slow that no token comes back while the refused sender is held (a second each time).
    config.interceptors = {"{plugin: rate-limit, settings: {messages_per_second: 0.1, burst: 1}}"};
    const auto node = start_node(config);
    ClientHarness bob({node->endpoint()}, test_options(2));
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("connected ")) << bob.events().all();
    ClientHarness alice({node->endpoint()}, test_options(1));
    alice.start();
    ASSERT_TRUE(alice.events().wait_for("connected ")) << alice.events().all();

    auto& client = alice.client();
    const auto join = client.join(7);  // not a chat frame: never limited
    const auto first = client.send_private(2, "one");
    const auto second = client.send_private(2, "two");
    const auto presence = client.list_users();
    const auto group = client.send_group(7, "three");
    const auto third = client.send_private(2, "four");
    auto& events = alice.events();
    EXPECT_TRUE(events.wait_for("ack " + std::to_string(join) + " ")) << events.all();
    EXPECT_TRUE(events.wait_for("ack " + std::to_string(first) + " ")) << events.all();
    EXPECT_TRUE(events.wait_for("error 4000 " + std::to_string(second) + " ")) << events.all();
    EXPECT_TRUE(events.wait_for("users " + std::to_string(presence) + " ")) << events.all();
    EXPECT_TRUE(events.wait_for("error 4000 " + std::to_string(group) + " ")) << events.all();
    EXPECT_TRUE(events.wait_for("error 4000 " + std::to_string(third) + " ")) << events.all();
    EXPECT_EQ(events.count("error"), 3) << events.all();
    EXPECT_TRUE(bob.events().wait_for("msg 1 2 " + std::to_string(first) + " one"))
        << bob.events().all();
}

TEST_F(ClientRequests, RequestsLostWithTheConnectionGetAnAnswer) {
    const auto node = start_node(node_config());
    auto options = test_options(1);
    options.reconnect = false;
    ClientHarness harness({node->endpoint()}, options);
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected ")) << harness.events().all();

    // Paused, the node reads nothing: the requests are written but stay unanswered.
    PausedDaemon paused(*node);
    const auto message = harness.client().send_private(2, "into the void");
    const auto presence = harness.client().list_users();
    // Posted before the kill, so the client writes them before it can see the connection end.
    node->kill9();
    for (const auto id : {message, presence}) {
        const auto lost = harness.events().wait_for("error 2000 " + std::to_string(id) + " ");
        ASSERT_TRUE(lost) << harness.events().all();
        EXPECT_NE(lost->find("no answer"), std::string::npos) << *lost;
    }
    EXPECT_TRUE(harness.events().wait_for("disconnected was=1 retry=0")) << harness.events().all();
}

}  // namespace
}  // namespace parley::client::test
