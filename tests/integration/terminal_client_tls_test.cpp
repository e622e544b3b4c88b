// parley-cli over TLS: tls:// endpoints, --ca, client certificates, and the clear refusal of a
// server whose certificate is expired or names another host (here: not the address dialled).
#include <thread>

#include <signal.h>

#include "integration/node_fixture.hpp"
#include "support/child_process.hpp"
#include "support/test_certificates.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class TerminalClientTlsTest : public NodeTest {
  protected:
    std::string tls_listener(const CertificatePair& server, const std::string& extra = "") const {
        return "{address: \"127.0.0.1:0\", protocol: tls, tls: {certificate: \"" +
               server.certificate.string() + "\", key: \"" + server.key.string() + "\"" +
               (extra.empty() ? "" : ", " + extra) + "}}";
    }

    /// Runs parley-cli with `args` and `script` on stdin until it exits; returns its output.
    std::string run_cli(const std::vector<std::string>& args, const std::string& script,
                        const std::string& name) {
        const auto input = write_file(dir.path() / (name + ".in"), script);
        const std::filesystem::path cli =
            DaemonProcess::default_binary().parent_path() / "parley-cli";
        const pid_t pid = spawn_logged(cli, args, dir.path() / (name + ".out"), input);
        if (!wait_for_exit(pid, 20s)) {
            ::kill(pid, SIGKILL);
            wait_for_exit(pid, 5s);
        }
        return read_file(dir.path() / (name + ".out"));
    }

    TestCertificates certs{dir.path()};
};

TEST_F(TerminalClientTlsTest, ClientsChatOverTls) {
    config.extra_listeners = {tls_listener(certs.server)};
    start();
    const std::string server = "tls://" + daemon->endpoints().at(1);
    auto bob = login(2);  // plain TCP on the first listener
    const std::string out =
        run_cli({"--server", server, "--ca", certs.ca.string(), "--user", "1", "--no-reconnect"},
                "/wait connected 5000\n/msg 2 over tls\n/wait ack 5000\n", "alice");
    EXPECT_NE(out.find("connected node=test-node"), std::string::npos) << out;
    EXPECT_NE(out.find("ack"), std::string::npos) << out;
    const auto delivered = read_until(*bob, FrameType::private_message);
    ASSERT_TRUE(delivered.has_value());
    wire::ChatMessage body;
    ASSERT_TRUE(delivered->parse_body(body));
    EXPECT_EQ(body.content(), "over tls");
}

TEST_F(TerminalClientTlsTest, BadServerCertificatesAreRefusedWithTheReason) {
    config.extra_listeners = {tls_listener(certs.expired), tls_listener(certs.wrong_host)};
    start();
    const std::pair<std::size_t, std::string> cases[] = {{1, "certificate has expired"},
                                                         {2, "address mismatch"}};
    for (const auto& [listener, why] : cases) {
        const std::string out =
            run_cli({"--server", "tls://" + daemon->endpoints().at(listener), "--ca",
                     certs.ca.string(), "--user", "1", "--no-reconnect"},
                    "/wait connected 3000\n", "bad-" + std::to_string(listener));
        EXPECT_NE(out.find(why), std::string::npos) << out;
        EXPECT_EQ(out.find("connected node="), std::string::npos) << out;
    }
    // --insecure connects anyway, and says so loudly.
    const std::string out = run_cli({"--server", "tls://" + daemon->endpoints().at(1), "--insecure",
                                     "--user", "1", "--no-reconnect"},
                                    "/wait connected 5000\n", "insecure");
    EXPECT_NE(out.find("connected node=test-node"), std::string::npos) << out;
    EXPECT_NE(out.find("WARNING"), std::string::npos) << out;
}

TEST_F(TerminalClientTlsTest, ClientCertificateLogsInAsItsUser) {
    config.extra_listeners = {tls_listener(certs.server, "client_ca: \"" + certs.ca.string() +
                                                             "\", client_certificates: required, "
                                                             "client_certificate_user: cn")};
    start();
    const std::string server = "tls://" + daemon->endpoints().at(1);
    const std::string out = run_cli({"--server", server, "--ca", certs.ca.string(), "--cert",
                                     certs.user_42.certificate.string(), "--key",
                                     certs.user_42.key.string(), "--user", "42", "--no-reconnect"},
                                    "/wait connected 5000\n", "user-42");
    EXPECT_NE(out.find("connected node=test-node"), std::string::npos) << out;
    const std::string refused =
        run_cli({"--server", server, "--ca", certs.ca.string(), "--cert",
                 certs.user_42.certificate.string(), "--key", certs.user_42.key.string(), "--user",
                 "7", "--no-reconnect"},
                "/wait connected 3000\n", "user-7");
    EXPECT_NE(refused.find("names '42'"), std::string::npos) << refused;
}

}  // namespace
}  // namespace parley::test
