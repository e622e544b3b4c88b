// transport-local, loaded as parleyd loads it: what is particular to it. What every transport
// must do is in transport_conformance_test.cpp.

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/config_node.hpp>
#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/transport.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"
#include "plugins/transport/recording_listener.hpp"

namespace parley::test {
namespace {

using ::testing::HasSubstr;

Frame text_frame(FrameType type, UserId sender, UserId receiver) {
    static constexpr std::uint8_t kBody[] = {'h', 'i'};
    return Frame::make(type, sender, receiver, kBody);
}

class LocalTransportTest : public ::testing::Test {
  protected:
    void SetUp() override {
        host.load("transport", "local");
        ASSERT_NE(host.transport, nullptr);
        transport = host.transport.get();
    }

    PluginTestHost host;
    Transport* transport = nullptr;
    RecordingListener listener;
};

TEST_F(LocalTransportTest, RefusesSettings) {
    PluginTestHost other;
    EXPECT_THROW(other.load("transport", "local", "brokers: x\n"), ConfigError);
}

TEST_F(LocalTransportTest, DeliversTheSameFrameAtOnce) {
    transport->start("node-a", listener);
    const Frame frame = text_frame(FrameType::private_message, 1, 2);
    run_awaitable(
        transport->publish_to_node("node-a", Envelope{Envelope::Kind::deliver, 2, 0, frame}));
    run_awaitable(
        transport->publish_to_node("node-a", Envelope{Envelope::Kind::kick, 3, 42, Frame{}}));

    const auto received = listener.envelopes();
    ASSERT_EQ(received.size(), 2u);
    // At once, and the very same frame, not a copy of its bytes.
    EXPECT_EQ(received[0].frame.bytes().data(), frame.bytes().data());
    EXPECT_EQ(received[1].kind, Envelope::Kind::kick);
}

TEST_F(LocalTransportTest, RefusesOtherNodes) {
    transport->start("node-a", listener);
    try {
        run_awaitable(transport->publish_to_node("node-b", Envelope{}));
        FAIL() << "published to another node";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
        EXPECT_STREQ(e.what(),
                     "transport-local reaches only this node ('node-a'); node 'node-b' needs a "
                     "cluster transport");
    }
    EXPECT_TRUE(listener.envelopes().empty());
}

/// Counts listener calls that run once stop() has returned; each call lingers a little so that
/// stop() has calls in progress to wait for.
class LateCallDetector final : public TransportListener {
  public:
    void on_node_message(Envelope) override {}
    void on_group_message(GroupId, Frame) override {
        ++calls;
        std::this_thread::yield();
        if (stop_returned) {
            ++late_calls;
        }
    }

    std::atomic<bool> stop_returned{false};
    std::atomic<int> calls{0};
    std::atomic<int> late_calls{0};
};

TEST_F(LocalTransportTest, NoListenerCallRunsAfterStopReturns) {
    LateCallDetector detector;
    transport->start("node-a", detector);
    std::vector<std::thread> publishers;
    for (int t = 0; t < 4; ++t) {
        publishers.emplace_back([this] {
            try {
                for (;;) {
                    run_awaitable(transport->publish_to_group(1, Frame{}));
                }
            } catch (const Error&) {
                // stopped
            }
        });
    }
    while (detector.calls < 1000) {
        std::this_thread::yield();
    }
    transport->stop();
    detector.stop_returned = true;
    for (auto& thread : publishers) {
        thread.join();
    }
    EXPECT_EQ(detector.late_calls.load(), 0);
}

}  // namespace
}  // namespace parley::test
