#pragma once
// What most end-to-end tests start from: one real parleyd on a free loopback port, and clients
// that log in to it over TCP.

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <parley.pb.h>

#include "support/daemon_process.hpp"
#include "support/raw_client.hpp"
#include "support/standalone_config.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {

/// The directory the test-only plugins (faulty, future-api, no-entry) are built into.
inline std::string test_plugin_dir() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any test thread runs.
    const char* build = std::getenv("PARLEY_BUILD_DIR");
    if (build == nullptr) {
        throw std::runtime_error("PARLEY_BUILD_DIR is not set; run the tests through ctest");
    }
    return std::string{build} + "/tests/plugins";
}

class NodeTest : public ::testing::Test {
  protected:
    /// Starts the node; call once per test, after adjusting `config`.
    void start() {
        const auto path = write_standalone_config((dir.path() / "node.yaml"), config);
        DaemonOptions options;
        options.configs = {path};
        daemon = std::make_unique<DaemonProcess>(options);
    }

    std::unique_ptr<RawClient> connect() {
        auto client = std::make_unique<RawClient>();
        EXPECT_TRUE(client->connect(daemon->endpoint()));
        return client;
    }

    /// Connects and logs in as `user`; the test fails if the login is refused.
    std::unique_ptr<RawClient> login(UserId user) {
        auto client = connect();
        const auto reply = client->handshake(user);
        EXPECT_TRUE(reply.has_value()) << "no handshake reply for user " << user;
        if (reply) {
            EXPECT_EQ(reply->type(), FrameType::handshake)
                << "login of user " << user << " refused with frame type "
                << int{reply->raw_type()};
        }
        return client;
    }

    StandaloneConfig config;
    TempDir dir{"node-test"};
    std::unique_ptr<DaemonProcess> daemon;
};

inline wire::ChatMessage chat(std::uint64_t id, const std::string& text) {
    wire::ChatMessage message;
    message.set_client_msg_id(id);
    message.set_content(text);
    return message;
}

/// Reads frames until one of `type` arrives, skipping others; nothing at the deadline.
inline std::optional<Frame> read_until(RawClient& client, FrameType type,
                                       std::chrono::milliseconds timeout = RawClient::kTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        auto frame = client.read_frame(left);
        if (!frame) {
            return std::nullopt;
        }
        if (frame->type() == type) {
            return frame;
        }
    }
    return std::nullopt;
}

/// Sends a heartbeat and expects it echoed: proof that the session still serves.
inline ::testing::AssertionResult still_serves(RawClient& client) {
    wire::Heartbeat beat;
    beat.set_timestamp_ms(12345);
    if (!client.send_frame(FrameType::heartbeat, kNoUser, kNoUser, beat)) {
        return ::testing::AssertionFailure() << "heartbeat could not be sent";
    }
    const auto echo = read_until(client, FrameType::heartbeat);
    wire::Heartbeat reply;
    if (!echo || !echo->parse_body(reply) || reply.timestamp_ms() != 12345) {
        return ::testing::AssertionFailure() << "no heartbeat echo";
    }
    return ::testing::AssertionSuccess();
}

/// Expects an ACK for `client_msg_id` next (skipping other frame types).
inline ::testing::AssertionResult acked(RawClient& client, std::uint64_t client_msg_id) {
    const auto frame = client.read_frame();
    if (!frame) {
        return ::testing::AssertionFailure() << "no reply for message " << client_msg_id;
    }
    if (frame->type() == FrameType::error) {
        wire::ErrorBody error;
        frame->parse_body(error);
        return ::testing::AssertionFailure()
               << "message " << client_msg_id << " refused: " << error.code() << " " << error.msg();
    }
    wire::Ack ack;
    if (frame->type() != FrameType::ack || !frame->parse_body(ack)) {
        return ::testing::AssertionFailure()
               << "expected an ACK, got type " << int{frame->raw_type()};
    }
    if (ack.client_msg_id() != client_msg_id) {
        return ::testing::AssertionFailure()
               << "ACK for " << ack.client_msg_id() << ", expected " << client_msg_id;
    }
    return ::testing::AssertionSuccess();
}

}  // namespace parley::test
