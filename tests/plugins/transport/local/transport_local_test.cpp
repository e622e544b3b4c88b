// transport-local, loaded as parleyd loads it.

#include <atomic>
#include <cstdint>
#include <mutex>
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

namespace parley::test {
namespace {

using ::testing::HasSubstr;

class RecordingListener final : public TransportListener {
  public:
    void on_node_message(Envelope envelope) override {
        std::lock_guard lock(mutex);
        envelopes.push_back(std::move(envelope));
    }
    void on_group_message(GroupId group, Frame frame) override {
        std::lock_guard lock(mutex);
        groups.push_back(group);
        frames.push_back(std::move(frame));
    }

    std::mutex mutex;
    std::vector<Envelope> envelopes;
    std::vector<GroupId> groups;
    std::vector<Frame> frames;
};

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

TEST_F(LocalTransportTest, DeliversToItsOwnNode) {
    transport->start("node-a", listener);
    const Frame frame = text_frame(FrameType::private_message, 1, 2);
    run_awaitable(
        transport->publish_to_node("node-a", Envelope{Envelope::Kind::deliver, 2, 0, frame}));
    run_awaitable(
        transport->publish_to_node("node-a", Envelope{Envelope::Kind::kick, 3, 42, Frame{}}));

    ASSERT_EQ(listener.envelopes.size(), 2u);
    EXPECT_EQ(listener.envelopes[0].kind, Envelope::Kind::deliver);
    EXPECT_EQ(listener.envelopes[0].recipient, 2u);
    // The very same frame, not a copy of its bytes.
    EXPECT_EQ(listener.envelopes[0].frame.bytes().data(), frame.bytes().data());
    EXPECT_EQ(listener.envelopes[1].kind, Envelope::Kind::kick);
    EXPECT_EQ(listener.envelopes[1].session_epoch, 42u);
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
    EXPECT_TRUE(listener.envelopes.empty());
}

TEST_F(LocalTransportTest, DeliversGroupMessages) {
    transport->start("node-a", listener);
    run_awaitable(transport->publish_to_group(9, text_frame(FrameType::group_message, 1, 9)));
    ASSERT_EQ(listener.groups.size(), 1u);
    EXPECT_EQ(listener.groups[0], 9u);
    EXPECT_EQ(listener.frames[0].receiver(), 9u);
}

TEST_F(LocalTransportTest, RefusesBeforeStartAndAfterStop) {
    EXPECT_THROW(run_awaitable(transport->publish_to_group(9, Frame{})), Error);
    transport->start("node-a", listener);
    transport->stop();
    try {
        run_awaitable(transport->publish_to_group(9, Frame{}));
        FAIL() << "published after stop";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
        EXPECT_THAT(e.what(), HasSubstr("stopped"));
    }
    EXPECT_THROW(run_awaitable(transport->publish_to_node("node-a", Envelope{})), Error);
    EXPECT_TRUE(listener.groups.empty());
    EXPECT_TRUE(listener.envelopes.empty());
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
