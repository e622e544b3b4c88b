// TLS listeners end to end: chat over TLS, a plaintext client on a TLS port, certificates the
// client must refuse, mutual TLS and the certificate naming the user.
#include "integration/node_fixture.hpp"
#include "support/test_certificates.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class TlsTest : public NodeTest {
  protected:
    /// A TLS listener entry serving `server`, with extra settings in YAML flow style.
    std::string tls_listener(const CertificatePair& server, const std::string& extra = "") const {
        return "{address: \"127.0.0.1:0\", protocol: tls, tls: {certificate: \"" +
               server.certificate.string() + "\", key: \"" + server.key.string() + "\"" +
               (extra.empty() ? "" : ", " + extra) + "}}";
    }
    std::string mutual(const std::string& mode) const {
        return "client_ca: \"" + certs.ca.string() + "\", client_certificates: " + mode;
    }

    ClientTls trusting() const { return ClientTls{certs.ca, "localhost", true, {}, {}}; }
    ClientTls as_user(const CertificatePair& pair) const {
        ClientTls tls = trusting();
        tls.certificate = pair.certificate;
        tls.key = pair.key;
        return tls;
    }

    std::unique_ptr<RawClient> tls_login(std::size_t listener, UserId user, const ClientTls& tls) {
        auto client = std::make_unique<RawClient>();
        EXPECT_TRUE(client->connect_tls(daemon->endpoints().at(listener), tls))
            << client->tls_error();
        const auto reply = client->handshake(user);
        EXPECT_TRUE(reply.has_value() && reply->type() == FrameType::handshake)
            << "login of user " << user << " over TLS refused";
        return client;
    }

    TestCertificates certs{dir.path()};
};

TEST_F(TlsTest, TwoTlsClientsChatAndATcpClientJoinsIn) {
    config.extra_listeners = {tls_listener(certs.server)};
    start();
    auto alice = tls_login(1, 1, trusting());
    auto bob = tls_login(1, 2, trusting());
    auto carol = login(3);  // plain TCP on the first listener

    ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, 2, chat(10, "hi bob")));
    EXPECT_TRUE(acked(*alice, 10));
    auto delivered = read_until(*bob, FrameType::private_message);
    ASSERT_TRUE(delivered.has_value());
    wire::ChatMessage body;
    ASSERT_TRUE(delivered->parse_body(body));
    EXPECT_EQ(body.content(), "hi bob");
    EXPECT_EQ(delivered->sender(), 1U);

    // Across transports, both ways, and a burst larger than one TLS record.
    const std::string big(40000, 'x');
    ASSERT_TRUE(carol->send_frame(FrameType::private_message, kNoUser, 1, chat(11, big)));
    EXPECT_TRUE(acked(*carol, 11));
    delivered = read_until(*alice, FrameType::private_message);
    ASSERT_TRUE(delivered.has_value());
    ASSERT_TRUE(delivered->parse_body(body));
    EXPECT_EQ(body.content(), big);
    for (int i = 1; i <= 100; ++i) {
        ASSERT_TRUE(bob->send_frame(FrameType::private_message, kNoUser, 3,
                                    chat(100 + i, "m" + std::to_string(i))));
    }
    for (int i = 1; i <= 100; ++i) {
        delivered = read_until(*carol, FrameType::private_message);
        ASSERT_TRUE(delivered.has_value()) << "message " << i;
        ASSERT_TRUE(delivered->parse_body(body));
        ASSERT_EQ(body.content(), "m" + std::to_string(i));
    }
    EXPECT_TRUE(still_serves(*alice));
}

TEST_F(TlsTest, PlaintextClientOnATlsPortIsToldAndTheNodeServesOthers) {
    config.extra_listeners = {tls_listener(certs.server)};
    start();
    RawClient plain;
    ASSERT_TRUE(plain.connect(daemon->endpoints().at(1)));
    wire::Handshake hello;
    hello.set_user_id(7);
    ASSERT_TRUE(plain.send_frame(FrameType::handshake, kNoUser, kNoUser, hello));
    const auto frame = plain.read_frame();
    ASSERT_TRUE(frame.has_value());
    ASSERT_EQ(frame->type(), FrameType::goodbye);
    wire::Goodbye goodbye;
    ASSERT_TRUE(frame->parse_body(goodbye));
    EXPECT_EQ(goodbye.code(), static_cast<std::uint32_t>(ErrorCode::bad_frame));
    EXPECT_NE(goodbye.msg().find("tls://"), std::string::npos) << goodbye.msg();
    EXPECT_TRUE(plain.read_until_closed(2s));

    // Garbage that is neither TLS nor Parley is a handshake failure, logged.
    RawClient http;
    ASSERT_TRUE(http.connect(daemon->endpoints().at(1)));
    const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_TRUE(http.send_bytes({reinterpret_cast<const std::uint8_t*>(get.data()), get.size()}));
    EXPECT_TRUE(http.read_until_closed(2s));

    auto alice = tls_login(1, 1, trusting());
    EXPECT_TRUE(still_serves(*alice));
    EXPECT_NE(daemon->log_text().find("speaks plain Parley"), std::string::npos)
        << daemon->log_text();
}

TEST_F(TlsTest, SilentClientOnATlsPortIsClosedAtTheHandshakeTimeout) {
    config.handshake_timeout = "300ms";
    config.extra_listeners = {tls_listener(certs.server)};
    start();
    RawClient silent;
    ASSERT_TRUE(silent.connect(daemon->endpoints().at(1)));
    const auto began = std::chrono::steady_clock::now();
    EXPECT_TRUE(silent.read_until_closed(3s));
    EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
}

TEST_F(TlsTest, ClientRefusesUntrustedExpiredAndWrongHostCertificates) {
    config.extra_listeners = {tls_listener(certs.untrusted), tls_listener(certs.expired),
                              tls_listener(certs.wrong_host)};
    start();
    const std::pair<std::size_t, std::string> cases[] = {
        {1, "unable to get local issuer certificate"},
        {2, "certificate has expired"},
        {3, "hostname mismatch"},
    };
    for (const auto& [listener, why] : cases) {
        RawClient client;
        EXPECT_FALSE(client.connect_tls(daemon->endpoints().at(listener), trusting()));
        EXPECT_NE(client.tls_error().find(why), std::string::npos)
            << "listener " << listener << ": " << client.tls_error();
    }
    // Without verification (the CLI's --insecure) the same server is reachable.
    ClientTls insecure = trusting();
    insecure.verify = false;
    RawClient client;
    EXPECT_TRUE(client.connect_tls(daemon->endpoints().at(2), insecure)) << client.tls_error();
}

TEST_F(TlsTest, RequiredClientCertificatesRefuseAClientWithoutOne) {
    config.extra_listeners = {tls_listener(certs.server, mutual("required"))};
    start();
    RawClient anonymous;
    // TLS 1.3 may finish the client's side before the server refuses: then the first read
    // finds the connection closed.
    if (anonymous.connect_tls(daemon->endpoints().at(1), trusting())) {
        const auto reply = anonymous.handshake(1, "test-token", 2s);
        EXPECT_FALSE(reply.has_value());
        EXPECT_TRUE(anonymous.closed());
    }
    auto alice = tls_login(1, 42, as_user(certs.user_42));
    EXPECT_TRUE(still_serves(*alice));
    EXPECT_NE(daemon->log_text().find("TLS handshake with"), std::string::npos);
}

TEST_F(TlsTest, CertificateCommonNameIsTheOnlyUserItMayLogInAs) {
    config.extra_listeners = {
        tls_listener(certs.server, mutual("required") + ", client_certificate_user: cn")};
    start();
    RawClient impostor;
    ASSERT_TRUE(impostor.connect_tls(daemon->endpoints().at(1), as_user(certs.user_43)))
        << impostor.tls_error();
    wire::Handshake hello;
    hello.set_user_id(42);
    hello.set_token("test-token");
    ASSERT_TRUE(impostor.send_frame(FrameType::handshake, kNoUser, kNoUser, hello));
    wire::ErrorBody error;
    ASSERT_TRUE(impostor.expect_error(ErrorCode::permission_denied, RawClient::kTimeout, &error));
    EXPECT_NE(error.msg().find("names '43'"), std::string::npos) << error.msg();

    auto user = tls_login(1, 42, as_user(certs.user_42));
    EXPECT_TRUE(still_serves(*user));
}

}  // namespace
}  // namespace parley::test
