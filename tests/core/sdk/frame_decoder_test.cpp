#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <parley/frame.hpp>
#include <parley/frame_decoder.hpp>

namespace parley {
namespace {

std::vector<std::uint8_t> bytes_of(const Frame& frame) {
    return {frame.bytes().begin(), frame.bytes().end()};
}

Frame text_frame(FrameType type, UserId sender, UserId receiver, const std::string& text) {
    return Frame::make(type, sender, receiver,
                       std::span<const std::uint8_t>(
                           reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string body_text(const Frame& frame) {
    return {frame.body().begin(), frame.body().end()};
}

// Feeds `input` in chunks of `chunk` bytes and collects every frame.
std::vector<Frame> decode_all(FrameDecoder& decoder, const std::vector<std::uint8_t>& input,
                              std::size_t chunk) {
    std::vector<Frame> frames;
    for (std::size_t offset = 0; offset < input.size(); offset += chunk) {
        std::span<const std::uint8_t> piece(input.data() + offset,
                                            std::min(chunk, input.size() - offset));
        while (!piece.empty()) {
            piece = piece.subspan(decoder.consume(piece));
            if (decoder.failed()) {
                return frames;
            }
            if (decoder.frame_ready()) {
                frames.push_back(decoder.take_frame());
            }
        }
    }
    return frames;
}

TEST(FrameTest, HeaderLayoutIsBigEndianWithLengthCountingEverythingAfterTheMagic) {
    const Frame frame = text_frame(FrameType::private_message, 0x01020304, 0x0A0B0C0D, "hi");
    const std::vector<std::uint8_t> expected{0xAB, 0x00, 0x00, 0x00, 0x0F, 0x04, 0x01, 0x02,
                                             0x03, 0x04, 0x0A, 0x0B, 0x0C, 0x0D, 'h',  'i'};
    EXPECT_EQ(bytes_of(frame), expected);
    EXPECT_EQ(frame.type(), FrameType::private_message);
    EXPECT_EQ(frame.sender(), 0x01020304U);
    EXPECT_EQ(frame.receiver(), 0x0A0B0C0DU);
    EXPECT_EQ(body_text(frame), "hi");
}

TEST(FrameTest, SetSenderPatchesOnlyTheSenderField) {
    Frame frame = text_frame(FrameType::group_message, 7, 9, "body");
    frame.set_sender(42);
    EXPECT_EQ(frame.sender(), 42U);
    EXPECT_EQ(frame.receiver(), 9U);
    EXPECT_EQ(body_text(frame), "body");
}

TEST(FrameDecoderTest, DecodesManyFramesFromOneRead) {
    std::vector<std::uint8_t> stream;
    for (int i = 0; i < 5; ++i) {
        const auto frame =
            bytes_of(text_frame(FrameType::private_message, 1, 2, "message " + std::to_string(i)));
        stream.insert(stream.end(), frame.begin(), frame.end());
    }
    FrameDecoder decoder(1024);
    const auto frames = decode_all(decoder, stream, stream.size());
    ASSERT_EQ(frames.size(), 5U);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(body_text(frames[i]), "message " + std::to_string(i));
    }
    EXPECT_TRUE(decoder.idle());
}

TEST(FrameDecoderTest, DecodesFramesSplitAcrossReadsAtEveryBoundary) {
    std::vector<std::uint8_t> stream = bytes_of(text_frame(FrameType::heartbeat, 3, 0, "abc"));
    const auto second = bytes_of(text_frame(FrameType::private_message, 3, 4, "hello world"));
    stream.insert(stream.end(), second.begin(), second.end());
    for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
        FrameDecoder decoder(1024);
        const auto frames = decode_all(decoder, stream, chunk);
        ASSERT_EQ(frames.size(), 2U) << "chunk " << chunk;
        EXPECT_EQ(frames[0].type(), FrameType::heartbeat);
        EXPECT_EQ(body_text(frames[0]), "abc");
        EXPECT_EQ(frames[1].receiver(), 4U);
        EXPECT_EQ(body_text(frames[1]), "hello world");
    }
}

TEST(FrameDecoderTest, AcceptsAnEmptyBody) {
    FrameDecoder decoder(16);
    const auto frames =
        decode_all(decoder, bytes_of(text_frame(FrameType::heartbeat, 0, 0, "")), 3);
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_TRUE(frames[0].body().empty());
}

TEST(FrameDecoderTest, RefusesBadMagicAtTheFirstByte) {
    FrameDecoder decoder(1024);
    const std::vector<std::uint8_t> garbage{'G', 'E', 'T', ' ', '/'};
    EXPECT_EQ(decoder.consume(garbage), 1U);
    ASSERT_TRUE(decoder.failed());
    EXPECT_EQ(decoder.failure().code(), ErrorCode::bad_frame);
    EXPECT_NE(std::string(decoder.failure().what()).find("magic"), std::string::npos);
}

TEST(FrameDecoderTest, RefusesOversizeLengthBeforeAllocatingTheBody) {
    FrameDecoder decoder(100);
    // length = 13 + 101: one byte over the limit. Only the first five bytes are needed.
    const std::vector<std::uint8_t> header{0xAB, 0x00, 0x00, 0x00, 13 + 101};
    EXPECT_EQ(decoder.consume(header), 5U);
    ASSERT_TRUE(decoder.failed());
    EXPECT_EQ(decoder.failure().code(), ErrorCode::frame_too_large);
}

TEST(FrameDecoderTest, RefusesAHugeLengthWithoutAllocating) {
    FrameDecoder decoder(64 * 1024);
    const std::vector<std::uint8_t> header{0xAB, 0xFF, 0xFF, 0xFF, 0xFF};
    decoder.consume(header);
    ASSERT_TRUE(decoder.failed());
    EXPECT_EQ(decoder.failure().code(), ErrorCode::frame_too_large);
}

TEST(FrameDecoderTest, RefusesALengthShorterThanTheHeader) {
    FrameDecoder decoder(1024);
    const std::vector<std::uint8_t> header{0xAB, 0x00, 0x00, 0x00, 12};
    decoder.consume(header);
    ASSERT_TRUE(decoder.failed());
    EXPECT_EQ(decoder.failure().code(), ErrorCode::bad_frame);
}

TEST(FrameDecoderTest, HoldsATruncatedBodyUntilTheRestArrives) {
    const auto stream = bytes_of(text_frame(FrameType::private_message, 1, 2, "0123456789"));
    FrameDecoder decoder(1024);
    const std::span<const std::uint8_t> first(stream.data(), stream.size() - 4);
    EXPECT_EQ(decoder.consume(first), first.size());
    EXPECT_FALSE(decoder.frame_ready());
    EXPECT_FALSE(decoder.failed());
    EXPECT_FALSE(decoder.idle());
    const std::span<const std::uint8_t> rest(stream.data() + first.size(), 4);
    EXPECT_EQ(decoder.consume(rest), 4U);
    ASSERT_TRUE(decoder.frame_ready());
    EXPECT_EQ(body_text(decoder.take_frame()), "0123456789");
}

TEST(FrameDecoderTest, StopsAtTheEndOfEachFrameSoTheCallerSeesEveryOne) {
    auto stream = bytes_of(text_frame(FrameType::heartbeat, 0, 0, "a"));
    const auto second = bytes_of(text_frame(FrameType::heartbeat, 0, 0, "b"));
    stream.insert(stream.end(), second.begin(), second.end());
    FrameDecoder decoder(1024);
    EXPECT_EQ(decoder.consume(stream), second.size());
    EXPECT_TRUE(decoder.frame_ready());
    EXPECT_EQ(decoder.consume(stream), 0U) << "a ready frame must be taken first";
}

TEST(FrameDecoderTest, AHeaderAnnouncingAHugeBodyReservesOnlyTheFirstPart) {
    FrameDecoder decoder(64 * 1024 * 1024);
    // A 64 MiB body announced, 14 bytes sent: the header alone must not cost 64 MiB.
    std::vector<std::uint8_t> header{0xAB, 0x04, 0x00, 0x00, 0x0D, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(decoder.consume(header), header.size());
    ASSERT_FALSE(decoder.failed());
    EXPECT_LE(decoder.held_bytes(), kFrameHeaderSize + FrameDecoder::kInitialBodyAllocation);
}

TEST(FrameDecoderTest, ALargeBodyGrowsAsItArrivesAndDecodesWhole) {
    std::string text(1'000'003, 'x');
    for (std::size_t i = 0; i < text.size(); i += 997) {
        text[i] = static_cast<char>('a' + i % 26);
    }
    const auto stream = bytes_of(text_frame(FrameType::group_message, 3, 4, text));
    FrameDecoder decoder(2 * 1024 * 1024);
    const std::span<const std::uint8_t> first(stream.data(), 200'000);
    EXPECT_EQ(decoder.consume(first), first.size());
    EXPECT_LT(decoder.held_bytes(), 500'000U) << "grows with what arrived, not what was announced";
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{70'000}, std::size_t{4096}}) {
        FrameDecoder fresh(2 * 1024 * 1024);
        const auto frames = decode_all(fresh, stream, chunk);
        ASSERT_EQ(frames.size(), 1U);
        EXPECT_EQ(body_text(frames[0]), text);
        EXPECT_EQ(frames[0].sender(), 3U);
        EXPECT_EQ(bytes_of(frames[0]), stream) << "the header says the real length";
    }
}

TEST(FrameDecoderTest, TheLimitCanBeRaisedForLaterFrames) {
    const auto stream =
        bytes_of(text_frame(FrameType::private_message, 1, 2, std::string(200, 'z')));
    FrameDecoder decoder(100);
    decoder.consume(stream);
    EXPECT_TRUE(decoder.failed());
    FrameDecoder raised(100);
    raised.set_max_body_size(1000);
    EXPECT_EQ(decode_all(raised, stream, stream.size()).size(), 1U);
}

}  // namespace
}  // namespace parley
