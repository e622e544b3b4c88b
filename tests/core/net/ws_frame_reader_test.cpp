// The WebSocket frame reader without sockets: masking, pieces, fragments, control frames and
// what closes the connection; and what the TLS and WebSocket streams weigh.
#include "net/ws_frame_reader.hpp"

#include <cstdio>

#include <gtest/gtest.h>

#include "net/tcp_stream.hpp"
#include "net/tls_stream.hpp"
#include "net/ws_frames.hpp"
#include "net/ws_stream.hpp"

namespace parley::net::ws {
namespace {

// A masked client frame.
std::string client_frame(std::uint8_t opcode, const std::string& payload, bool fin = true) {
    const std::uint8_t mask[4] = {0x12, 0x34, 0x56, 0x78};
    std::string out;
    out += static_cast<char>((fin ? 0x80 : 0) | opcode);
    if (payload.size() < 126) {
        out += static_cast<char>(0x80 | payload.size());
    } else {
        out += static_cast<char>(0x80 | 126);
        out += static_cast<char>(payload.size() >> 8);
        out += static_cast<char>(payload.size() & 0xFF);
    }
    out.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        out += static_cast<char>(payload[i] ^ mask[i % 4]);
    }
    return out;
}

// Feeds `bytes` in pieces of `piece` bytes; returns the data read.
std::string feed(FrameReader& reader, std::string bytes, std::string& replies,
                 std::size_t piece = 1 << 20) {
    std::string data;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        std::string chunk = bytes.substr(at, piece);
        auto* begin = reinterpret_cast<std::uint8_t*>(chunk.data());
        const std::size_t n = reader.decode({begin, chunk.size()}, replies);
        data.append(chunk.data(), n);
    }
    return data;
}

TEST(WsFrameReaderTest, UnmasksBinaryMessagesArrivingInAnyPieces) {
    const std::string payload(300, 'p');
    for (const std::size_t piece : {1UL, 3UL, 7UL, 1000UL}) {
        FrameReader reader(1024);
        std::string replies;
        const std::string data = feed(
            reader, client_frame(binary, "hello") + client_frame(binary, payload), replies, piece);
        EXPECT_EQ(data, "hello" + payload) << "pieces of " << piece;
        EXPECT_TRUE(replies.empty());
        EXPECT_EQ(reader.status(), FrameReader::Status::open);
    }
}

TEST(WsFrameReaderTest, FragmentsJoinAndPingsBetweenThemArePonged) {
    FrameReader reader(1024);
    std::string replies;
    const std::string data = feed(reader,
                                  client_frame(binary, "ab", false) + client_frame(ping, "hi") +
                                      client_frame(continuation, "cd"),
                                  replies);
    EXPECT_EQ(data, "abcd");
    EXPECT_EQ(replies, control_frame(pong, "hi"));
}

TEST(WsFrameReaderTest, TextIsRefusedWith1003) {
    FrameReader reader(1024);
    std::string replies;
    EXPECT_EQ(feed(reader, client_frame(text, "{}") + client_frame(binary, "x"), replies), "");
    EXPECT_EQ(reader.status(), FrameReader::Status::failed);
    EXPECT_EQ(replies.substr(2, 2), std::string("\x03\xEB", 2));  // 1003
}

TEST(WsFrameReaderTest, MessagesOverTheLimitAreRefusedWith1009EvenInFragments) {
    FrameReader reader(10);
    std::string replies;
    feed(reader, client_frame(binary, "123456", false) + client_frame(continuation, "789012"),
         replies);
    EXPECT_EQ(reader.status(), FrameReader::Status::failed);
    EXPECT_EQ(replies.substr(2, 2), std::string("\x03\xF1", 2));  // 1009
}

TEST(WsFrameReaderTest, UnmaskedFramesAndStrayContinuationsAreProtocolErrors) {
    FrameReader unmasked(100);
    std::string replies;
    feed(unmasked, std::string("\x82\x01x", 3), replies);
    EXPECT_EQ(unmasked.status(), FrameReader::Status::failed);
    EXPECT_EQ(replies.substr(2, 2), std::string("\x03\xEA", 2));  // 1002
    FrameReader stray(100);
    replies.clear();
    feed(stray, client_frame(continuation, "x"), replies);
    EXPECT_EQ(stray.status(), FrameReader::Status::failed);
}

TEST(WsFrameReaderTest, CloseIsEchoed) {
    FrameReader reader(100);
    std::string replies;
    feed(reader,
         client_frame(close, std::string("\x03\xE8"
                                         "bye",
                                         5)),
         replies);
    EXPECT_EQ(reader.status(), FrameReader::Status::closed_by_peer);
    EXPECT_EQ(replies, control_frame(close, std::string("\x03\xE8", 2)));
}

TEST(WsFramesTest, GoodbyeCodesMapToCloseCodes) {
    EXPECT_EQ(close_code_for_goodbye(5003), going_away);
    EXPECT_EQ(close_code_for_goodbye(3002), message_too_big);
    EXPECT_EQ(close_code_for_goodbye(5001), policy_violation);
    EXPECT_EQ(close_code_for_goodbye(1004), normal);
    const std::uint8_t body[] = {0x08, 0xC9, 0x27};  // field 1 = 5065
    EXPECT_EQ(goodbye_code(body), 5065U);
}

}  // namespace
}  // namespace parley::net::ws

namespace parley::net {
namespace {

// What a TLS or WebSocket stream adds to an idle connection (docs/architecture.md): printed,
// and bounded so that growth is a decision.
TEST(StreamSizes, OfAnIdleConnection) {
    std::printf("sizeof: TcpStream %zu, TlsStream %zu, WsStream %zu, ws::FrameReader %zu\n",
                sizeof(TcpStream), sizeof(TlsStream), sizeof(WsStream), sizeof(ws::FrameReader));
    EXPECT_LE(sizeof(TlsStream), sizeof(TcpStream) + 40);
    EXPECT_LE(sizeof(WsStream), 192U);
}

}  // namespace
}  // namespace parley::net
