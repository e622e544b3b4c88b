// WebSocket listeners end to end: a Beast client chats with a TCP client; text, over-size and
// fragmented messages, pings, origins, close codes, and the static files of a ws listener.
#include <fstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <openssl/ssl.h>

#include "integration/node_fixture.hpp"
#include "support/test_certificates.hpp"
#include "support/ws_client.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class WebSocketTest : public NodeTest {
  protected:
    /// Starts a node with a TCP listener (0) and a ws listener (1) with `settings`.
    void start_with(const std::string& settings = "") {
        config.extra_listeners = {"{address: \"127.0.0.1:0\", protocol: ws" +
                                  (settings.empty() ? "" : ", websocket: {" + settings + "}") +
                                  "}"};
        start();
    }
    const std::string& ws_endpoint() const { return daemon->endpoints().at(1); }

    std::unique_ptr<WsClient> ws_login(UserId user) {
        auto client = std::make_unique<WsClient>();
        EXPECT_TRUE(client->connect(ws_endpoint())) << "HTTP " << client->http_status();
        const auto reply = client->handshake(user);
        EXPECT_TRUE(reply.has_value() && reply->type() == FrameType::handshake)
            << "login of user " << user << " over WebSocket refused";
        return client;
    }
};

std::optional<Frame> read_until(WsClient& client, FrameType type) {
    for (int i = 0; i < 20; ++i) {
        auto frame = client.read_frame();
        if (!frame || frame->type() == type) {
            return frame;
        }
    }
    return std::nullopt;
}

TEST_F(WebSocketTest, WebSocketClientChatsWithATcpClient) {
    start_with();
    auto web = ws_login(1);
    auto tcp = login(2);

    ASSERT_TRUE(web->send_frame(
        Frame::make(FrameType::private_message, kNoUser, 2, chat(10, "from the browser"))));
    auto ack = read_until(*web, FrameType::ack);
    ASSERT_TRUE(ack.has_value());
    auto delivered = test::read_until(*tcp, FrameType::private_message);
    ASSERT_TRUE(delivered.has_value());
    wire::ChatMessage body;
    ASSERT_TRUE(delivered->parse_body(body));
    EXPECT_EQ(body.content(), "from the browser");
    EXPECT_EQ(delivered->sender(), 1U);

    // The other way, many at once: each arrives as its own binary message.
    for (int i = 1; i <= 50; ++i) {
        ASSERT_TRUE(tcp->send_frame(FrameType::private_message, kNoUser, 1,
                                    chat(100 + i, "m" + std::to_string(i))));
    }
    for (int i = 1; i <= 50; ++i) {
        delivered = read_until(*web, FrameType::private_message);
        ASSERT_TRUE(delivered.has_value()) << "message " << i;
        ASSERT_TRUE(delivered->parse_body(body));
        ASSERT_EQ(body.content(), "m" + std::to_string(i));
    }
}

TEST_F(WebSocketTest, FragmentedMessageIsReassembledAndPingsArePonged) {
    start_with();
    auto web = ws_login(1);
    ASSERT_TRUE(web->send_ping("are you there"));
    wire::Heartbeat beat;
    beat.set_timestamp_ms(77);
    const Frame heartbeat = Frame::make(FrameType::heartbeat, kNoUser, kNoUser, beat);
    const auto bytes = heartbeat.bytes();
    ASSERT_TRUE(web->send_binary(
        std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), 3));
    const auto echo = read_until(*web, FrameType::heartbeat);
    ASSERT_TRUE(echo.has_value()) << "no echo of a heartbeat sent in three fragments";
    ASSERT_EQ(web->pongs().size(), 1U);
    EXPECT_EQ(web->pongs().front(), "are you there");
}

TEST_F(WebSocketTest, TextMessageIsClosedWith1003) {
    start_with();
    auto web = ws_login(1);
    ASSERT_TRUE(web->send_text("{\"hello\": 1}"));
    while (web->read_frame()) {
    }
    EXPECT_TRUE(web->closed());
    EXPECT_EQ(web->close_code(), 1003);
    auto other = login(2);
    EXPECT_TRUE(still_serves(*other));
}

TEST_F(WebSocketTest, OverSizeMessageIsClosedWith1009) {
    config.max_frame_size = "1KiB";
    start_with();
    auto web = ws_login(1);
    ASSERT_TRUE(web->send_binary(std::string(4096, 'x'), 2));
    while (web->read_frame()) {
    }
    EXPECT_TRUE(web->closed());
    EXPECT_EQ(web->close_code(), 1009);
}

TEST_F(WebSocketTest, GoodbyeCodeBecomesTheCloseCode) {
    config.max_frame_size = "1KiB";
    start_with();
    auto web = ws_login(1);
    // A message within the WebSocket limit whose Parley header claims a larger frame: the
    // session says GOODBYE 3002, and the close code follows it (1009).
    std::string bad(14, '\0');
    bad[0] = static_cast<char>(kFrameMagic);
    bad[1] = 0x00;
    bad[2] = 0x10;  // length 1 MiB
    ASSERT_TRUE(web->send_binary(bad));
    std::optional<Frame> goodbye;
    while (auto frame = web->read_frame()) {
        if (frame->type() == FrameType::goodbye) {
            goodbye = frame;
        }
    }
    ASSERT_TRUE(goodbye.has_value());
    EXPECT_EQ(web->close_code(), 1009);
}

TEST_F(WebSocketTest, OriginNotAllowedGets403) {
    start_with("allowed_origins: [\"https://chat.example\"]");
    WsClient evil;
    EXPECT_FALSE(evil.connect(ws_endpoint(), "/parley", "https://evil.example"));
    EXPECT_EQ(evil.http_status(), 403);
    WsClient good;
    EXPECT_TRUE(good.connect(ws_endpoint(), "/parley", "https://chat.example"));
    EXPECT_TRUE(good.handshake(5).has_value());
    EXPECT_NE(daemon->log_text().find("origin 'https://evil.example' is not allowed"),
              std::string::npos);
}

TEST_F(WebSocketTest, StaticFilesAreServedAndNothingOutsideThem) {
    const auto www = dir.path() / "www";
    std::filesystem::create_directories(www / "js");
    std::ofstream(www / "index.html") << "<h1>parley</h1>";
    std::ofstream(www / "js" / "app.js") << "console.log(1);";
    std::ofstream(www / "notes.txt") << "not a web type";
    std::ofstream(dir.path() / "secret.json") << "{}";
    start_with("static_files: \"" + www.string() + "\"");

    auto page = http_get(ws_endpoint(), "/");
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.body, "<h1>parley</h1>");
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    auto script = http_get(ws_endpoint(), "/js/app.js?v=1");
    EXPECT_EQ(script.status, 200);
    EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(http_get(ws_endpoint(), "/../secret.json").status, 404);
    EXPECT_EQ(http_get(ws_endpoint(), "/js/..%2f..%2fsecret.json").status, 404);
    EXPECT_EQ(http_get(ws_endpoint(), "/js/").status, 404);
    EXPECT_EQ(http_get(ws_endpoint(), "/notes.txt").status, 404);
    EXPECT_EQ(http_get(ws_endpoint(), "/missing.html").status, 404);
    // The WebSocket path still upgrades.
    auto web = ws_login(1);
}

TEST_F(WebSocketTest, WssCarriesWebSocketOverTls) {
    TestCertificates certs{dir.path()};
    config.extra_listeners = {"{address: \"127.0.0.1:0\", protocol: wss, tls: {certificate: \"" +
                              certs.server.certificate.string() + "\", key: \"" +
                              certs.server.key.string() + "\"}}"};
    start();
    auto tcp = login(2);

    namespace asio = boost::asio;
    namespace beast = boost::beast;
    asio::io_context io;
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.load_verify_file(certs.ca.string());
    beast::websocket::stream<asio::ssl::stream<asio::ip::tcp::socket>> wss(io, tls);
    const std::string& endpoint = daemon->endpoints().at(1);
    const auto colon = endpoint.rfind(':');
    asio::ip::tcp::resolver resolver(io);
    asio::connect(beast::get_lowest_layer(wss),
                  resolver.resolve(endpoint.substr(0, colon), endpoint.substr(colon + 1)));
    wss.next_layer().set_verify_mode(asio::ssl::verify_peer);
    SSL_set1_host(wss.next_layer().native_handle(), "127.0.0.1");
    wss.next_layer().handshake(asio::ssl::stream_base::client);
    wss.handshake(endpoint, "/parley");
    wss.binary(true);
    auto exchange = [&](const Frame& frame) {
        wss.write(asio::buffer(frame.bytes().data(), frame.bytes().size()));
        beast::flat_buffer buffer;
        wss.read(buffer);
        const std::string bytes = beast::buffers_to_string(buffer.data());
        FrameDecoder decoder(1 << 20);
        decoder.consume({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
        return decoder.frame_ready() ? decoder.take_frame() : Frame();
    };
    wire::Handshake hello;
    hello.set_user_id(1);
    const Frame ok = exchange(Frame::make(FrameType::handshake, kNoUser, kNoUser, hello));
    ASSERT_FALSE(ok.empty());
    EXPECT_EQ(ok.type(), FrameType::handshake);
    const Frame ack =
        exchange(Frame::make(FrameType::private_message, kNoUser, 2, chat(1, "over wss")));
    ASSERT_FALSE(ack.empty());
    EXPECT_EQ(ack.type(), FrameType::ack);
    const auto delivered = test::read_until(*tcp, FrameType::private_message);
    ASSERT_TRUE(delivered.has_value());
    wire::ChatMessage body;
    ASSERT_TRUE(delivered->parse_body(body));
    EXPECT_EQ(body.content(), "over wss");

    // A client that speaks plain frames to the wss port is told to use TLS.
    RawClient plain;
    ASSERT_TRUE(plain.connect(endpoint));
    ASSERT_TRUE(plain.send_frame(FrameType::heartbeat, kNoUser, kNoUser, wire::Heartbeat{}));
    const auto goodbye = plain.read_frame();
    ASSERT_TRUE(goodbye.has_value());
    EXPECT_EQ(goodbye->type(), FrameType::goodbye);
}

}  // namespace
}  // namespace parley::test
