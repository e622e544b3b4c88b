// A node of a 3-node cluster killed with SIGKILL while a client sends to one of its users: the
// user's client reconnects to a live node and chats on, and every message the cluster ACKed is
// either delivered or reported failed to its sender (DELIVERY_FAILED); none is lost silently.
#include <algorithm>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "client/client_harness.hpp"
#include "cluster/cluster_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using client::test::ClientHarness;
using client::test::test_options;

/// Waits until `done()` holds, polling; false after `timeout`.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

/// Whether the client reported an ERROR (of `code`, when given) answering request `id`. Event
/// lines read "error CODE REF_ID MESSAGE".
bool answered_by_error(ClientHarness& client, std::uint64_t id, std::optional<ErrorCode> code) {
    std::istringstream lines(client.events().all());
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string kind;
        std::uint32_t error_code = 0;
        std::uint64_t ref_id = 0;
        if (words >> kind >> error_code >> ref_id && kind == "error" && ref_id == id &&
            (!code || static_cast<std::uint32_t>(*code) == error_code)) {
            return true;
        }
    }
    return false;
}

class ClusterFailoverTest : public ClusterTest {};

TEST_F(ClusterFailoverTest, ClientsOfAKilledNodeReconnectAndNoAckedMessageIsLost) {
    start_cluster();
    constexpr UserId kSender = 62;
    constexpr UserId kRecipient = 61;
    // The recipient may use node-2 or node-3; the sender stays on node-1, which lives.
    ClientHarness recipient({endpoints()[1], endpoints()[2]}, test_options(kRecipient));
    recipient.start();
    const auto connected = recipient.events().wait_for("connected ");
    ASSERT_TRUE(connected) << recipient.events().all();
    const std::size_t doomed = connected->find(node_id(1)) != std::string::npos ? 1 : 2;
    const std::size_t survivor = doomed == 1 ? 2 : 1;

    ClientHarness sender({endpoints()[0]}, test_options(kSender));
    sender.start();
    ASSERT_TRUE(sender.events().wait_for("connected " + node_id(0))) << sender.events().all();

    std::vector<std::uint64_t> ids;
    constexpr int kMessages = 150;
    for (int i = 0; i < kMessages; ++i) {
        if (i == kMessages / 3) {
            node(doomed).kill9();
        }
        ids.push_back(sender.client().send_private(kRecipient, "m" + std::to_string(i)));
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(recipient.events().wait_for("connected " + node_id(survivor), 20s))
        << recipient.events().all();

    auto acked = [&](std::uint64_t id) {
        return sender.events().contains("ack " + std::to_string(id) + " ");
    };
    auto refused = [&](std::uint64_t id) { return answered_by_error(sender, id, std::nullopt); };
    // Every request gets exactly one answer: an ACK, or an ERROR at send time.
    ASSERT_TRUE(eventually(
        [&] {
            return std::all_of(ids.begin(), ids.end(),
                               [&](std::uint64_t id) { return acked(id) || refused(id); });
        },
        30s))
        << sender.events().all();

    auto delivered = [&](std::uint64_t id) {
        return recipient.events().contains("msg " + std::to_string(kSender) + " " +
                                           std::to_string(kRecipient) + " " + std::to_string(id) +
                                           " ");
    };
    auto reported_failed = [&](std::uint64_t id) {
        return answered_by_error(sender, id, ErrorCode::delivery_failed);
    };
    // What the dead node's route still held is consumed by the survivors once the registry
    // has noticed the death (its session time-out), then forwarded or reported.
    const bool all_resolved = eventually(
        [&] {
            return std::all_of(ids.begin(), ids.end(), [&](std::uint64_t id) {
                return !acked(id) || delivered(id) || reported_failed(id);
            });
        },
        60s);
    std::string lost;
    int acked_count = 0;
    int failed_count = 0;
    for (const auto id : ids) {
        if (acked(id)) {
            ++acked_count;
            failed_count += reported_failed(id) ? 1 : 0;
            if (!delivered(id) && !reported_failed(id)) {
                lost += " " + std::to_string(id);
            }
        }
    }
    std::cout << acked_count << " of " << ids.size() << " messages ACKed, " << failed_count
              << " of those reported DELIVERY_FAILED\n";
    EXPECT_TRUE(all_resolved) << "ACKed but neither delivered nor reported failed:" << lost
                              << "\nsender:\n"
                              << sender.events().all() << "\nrecipient:\n"
                              << recipient.events().all();
    EXPECT_GT(acked_count, kMessages / 2) << sender.events().all();
    // The recipient chats on from its new node.
    EXPECT_TRUE(delivered(ids.back())) << recipient.events().all();
}

}  // namespace
}  // namespace parley::test
