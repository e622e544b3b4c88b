// The generator's WebSocket framing without sockets: its masked messages as Parley's own server
// reader sees them, and server frames (as Parley's server writes them, fragments and control
// frames too) in whatever pieces they arrive.
#include "ws_client_frames.hpp"

#include <string>

#include <gtest/gtest.h>

#include "net/ws_frame_reader.hpp"
#include "net/ws_frames.hpp"

namespace parley::bench::ws {
namespace {

// A server frame: unmasked, FIN as given.
std::string server_frame(std::uint8_t opcode, const std::string& payload, bool fin = true) {
    std::string out(14, '\0');
    auto* at = reinterpret_cast<std::uint8_t*>(out.data());
    const std::size_t header =
        net::ws::write_header(at, static_cast<net::ws::Opcode>(opcode), payload.size());
    if (!fin) {
        at[0] &= 0x7F;
    }
    out.resize(header);
    return out + payload;
}

/// Feeds `bytes` `piece` at a time, reading at most `room` payload bytes per decode.
std::string decode_all(ServerFrameDecoder& decoder, const std::string& bytes, std::size_t piece,
                       std::size_t room, ByteBuffer& replies) {
    ByteBuffer in;
    std::string out;
    std::string chunk(room, '\0');
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        in.append(std::string_view(bytes).substr(at, piece));
        for (;;) {
            const auto n = decoder.decode(in, chunk.data(), room, replies, 0x01020304);
            out.append(chunk.data(), n);
            if (n == 0) {
                break;
            }
        }
    }
    return out;
}

TEST(WsClientFrames, ParleysServerReaderUnmasksEveryMessage) {
    const std::string small = "frame one";
    const std::string medium(300, 'm');  // 16-bit length
    ByteBuffer out;
    append_client_frame(out, kBinary, small, 0xA1B2C3D4);
    append_client_frame(out, kBinary, medium, 0x0F1E2D3C);
    std::string wire(out.data(), out.size());

    net::ws::FrameReader reader(1 << 20);
    std::string replies;
    const auto n = reader.decode(
        std::span(reinterpret_cast<std::uint8_t*>(wire.data()), wire.size()), replies);
    EXPECT_EQ(reader.status(), net::ws::FrameReader::Status::open) << reader.failure();
    EXPECT_EQ(wire.substr(0, n), small + medium);
    EXPECT_TRUE(replies.empty());
}

TEST(WsClientFrames, ServerFramesJoinInAnyPieces) {
    const std::string big(70000, 'b');  // 64-bit length
    const std::string bytes = server_frame(0x2, "abc") + server_frame(0x2, big) +
                              server_frame(0x2, "") + server_frame(0x1, "text ") +
                              server_frame(0x2, "frag", false) + server_frame(0x0, "ments");
    for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, bytes.size()}) {
        ServerFrameDecoder decoder;
        ByteBuffer replies;
        EXPECT_EQ(decode_all(decoder, bytes, piece, 1000, replies), "abc" + big + "text fragments")
            << "pieces of " << piece;
        EXPECT_EQ(decoder.status(), ServerFrameDecoder::Status::open);
        EXPECT_EQ(replies.size(), 0U);
    }
}

TEST(WsClientFrames, PingBetweenDataIsAnsweredWithTheSamePayload) {
    ServerFrameDecoder decoder;
    ByteBuffer replies;
    const std::string bytes = server_frame(0x2, "before") + server_frame(0x9, "are you there") +
                              server_frame(0x2, "after");
    EXPECT_EQ(decode_all(decoder, bytes, 3, 64, replies), "beforeafter");

    // The pong is a masked client frame: Parley's server reader takes it as a control frame.
    std::string pong(replies.data(), replies.size());
    ASSERT_GE(pong.size(), 6U);
    EXPECT_EQ(static_cast<std::uint8_t>(pong[0]), 0x80 | kPong);
    EXPECT_EQ(static_cast<std::uint8_t>(pong[1]), 0x80 | 13);
    std::string payload;
    for (std::size_t i = 0; i < 13; ++i) {
        payload += static_cast<char>(pong[6 + i] ^ pong[2 + (i & 3)]);
    }
    EXPECT_EQ(payload, "are you there");
}

TEST(WsClientFrames, CloseEndsTheStreamAndAMaskedServerFrameIsRefused) {
    ServerFrameDecoder closing;
    ByteBuffer replies;
    const auto close = net::ws::close_frame(1001, "GOODBYE 5003");
    EXPECT_EQ(decode_all(closing, server_frame(0x2, "last") + close + server_frame(0x2, "more"), 1,
                         16, replies),
              "last");
    EXPECT_EQ(closing.status(), ServerFrameDecoder::Status::closed);

    ServerFrameDecoder strict;
    ByteBuffer masked;
    append_client_frame(masked, kBinary, "from a client", 1);
    EXPECT_EQ(decode_all(strict, std::string(masked.data(), masked.size()), 64, 64, replies), "");
    EXPECT_EQ(strict.status(), ServerFrameDecoder::Status::failed);
}

}  // namespace
}  // namespace parley::bench::ws
