// What an idle, logged-in connection costs the server, per transport: parleyd's resident memory
// grown by N connections, divided by N. Printed for docs/performance.md; the bounds only catch
// a gross regression (RSS moves in pages and malloc arenas, so a few hundred connections give
// a figure within about 10%).
#include <fstream>

#include "integration/node_fixture.hpp"
#include "support/test_certificates.hpp"
#include "support/ws_client.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

constexpr int kConnections = 400;

std::uint64_t resident_bytes(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:")) {
            return std::stoull(line.substr(6)) * 1024;
        }
    }
    return 0;
}

class IdleMemoryTest : public NodeTest {
  protected:
    void SetUp() override {
        config.threads = 1;
        // Every client comes from 127.0.0.1: 1,200 connections from one address.
        config.server_settings = {"max_connections_per_address: 5000"};
        config.extra_listeners = {
            "{address: \"127.0.0.1:0\", protocol: tls, tls: {certificate: \"" +
                certs.server.certificate.string() + "\", key: \"" + certs.server.key.string() +
                "\"}}",
            "{address: \"127.0.0.1:0\", protocol: ws}"};
        start();
    }

    /// Opens `count` logged-in connections with `open(user)`, settles, and returns the growth
    /// of the server's resident memory per connection.
    template <typename Open>
    double bytes_per_connection(UserId first_user, Open open) {
        open(first_user);  // warms what the first connection of a kind allocates once
        std::this_thread::sleep_for(300ms);
        const auto before = resident_bytes(daemon->pid());
        for (int i = 1; i <= kConnections; ++i) {
            open(first_user + static_cast<UserId>(i));
        }
        std::this_thread::sleep_for(500ms);
        const auto after = resident_bytes(daemon->pid());
        return static_cast<double>(after - before) / kConnections;
    }

    TestCertificates certs{dir.path()};
};

TEST_F(IdleMemoryTest, PerTransport) {
    std::vector<std::unique_ptr<RawClient>> tcp;
    const double tcp_bytes =
        bytes_per_connection(1000, [&](UserId user) { tcp.push_back(login(user)); });
    std::vector<std::unique_ptr<RawClient>> tls;
    const double tls_bytes = bytes_per_connection(2000, [&](UserId user) {
        auto client = std::make_unique<RawClient>();
        ASSERT_TRUE(client->connect_tls(daemon->endpoints().at(1),
                                        ClientTls{certs.ca, "localhost", true, {}, {}}));
        ASSERT_TRUE(client->handshake(user).has_value());
        tls.push_back(std::move(client));
    });
    std::vector<std::unique_ptr<WsClient>> ws;
    const double ws_bytes = bytes_per_connection(3000, [&](UserId user) {
        auto client = std::make_unique<WsClient>();
        ASSERT_TRUE(client->connect(daemon->endpoints().at(2)));
        ASSERT_TRUE(client->handshake(user).has_value());
        ws.push_back(std::move(client));
    });
    std::printf(
        "idle logged-in connection, server RSS per connection (%d each): tcp %.0f B, "
        "tls %.0f B, ws %.0f B\n",
        kConnections, tcp_bytes, tls_bytes, ws_bytes);
    RecordProperty("tcp_bytes", static_cast<int>(tcp_bytes));
    RecordProperty("tls_bytes", static_cast<int>(tls_bytes));
    RecordProperty("ws_bytes", static_cast<int>(ws_bytes));
    EXPECT_LT(tcp_bytes, 4 * 1024);
    EXPECT_LT(tls_bytes, 64 * 1024);
    EXPECT_LT(ws_bytes, 8 * 1024);
}

}  // namespace
}  // namespace parley::test
