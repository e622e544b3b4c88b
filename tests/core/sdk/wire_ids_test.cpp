#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <parley.pb.h>

#include <parley/wire_ids.hpp>

namespace parley {
namespace {

constexpr IdField kPositionIds[] = {{2}};
constexpr IdField kHandshakeIds[] = {{1}, {6, kPositionIds}};

std::vector<std::uint8_t> bytes_of(const std::string& text) {
    return {text.begin(), text.end()};
}

// A varint of `value` as field `number`.
std::string varint_field(std::uint32_t number, std::uint64_t value) {
    std::string out(1, static_cast<char>(number << 3));
    do {
        std::uint8_t byte = value & 0x7F;
        value >>= 7;
        out.push_back(static_cast<char>(value != 0 ? (byte | 0x80) : byte));
    } while (value != 0);
    return out;
}

TEST(WireIdsTest, AUserIdOverThirtyTwoBitsIsCaughtThoughProtobufTruncatesIt) {
    const std::uint64_t wide = (std::uint64_t{1} << 32) + 42;
    const auto body = bytes_of(varint_field(1, wide) + "\x12\x01t");
    wire::Handshake parsed;
    ASSERT_TRUE(parsed.ParseFromArray(body.data(), static_cast<int>(body.size())));
    EXPECT_EQ(parsed.user_id(), 42U) << "what the parser alone would log in as";
    EXPECT_FALSE(id_fields_fit(body, kHandshakeIds));
}

TEST(WireIdsTest, IdsThatFitPassAndOtherWideFieldsAreNotJudged) {
    wire::Handshake hello;
    hello.set_user_id(0xFFFFFFFF);
    hello.set_token("t");
    hello.set_resume_epoch(std::uint64_t{1} << 60);  // a uint64 field, wide by right
    auto* position = hello.add_positions();
    position->set_peer(7);
    position->set_seq(std::uint64_t{1} << 40);
    const std::string text = hello.SerializeAsString();
    EXPECT_TRUE(id_fields_fit(bytes_of(text), kHandshakeIds));
}

TEST(WireIdsTest, AWidePeerInsideANestedPositionIsCaught) {
    std::string position = varint_field(1, 1) + varint_field(2, std::uint64_t{1} << 33);
    std::string body =
        varint_field(1, 5) + "\x32" + std::string(1, static_cast<char>(position.size())) + position;
    EXPECT_FALSE(id_fields_fit(bytes_of(body), kHandshakeIds));
}

TEST(WireIdsTest, GarbageIsLeftToTheParser) {
    EXPECT_TRUE(id_fields_fit(bytes_of("\x08\xFF\xFF"), kHandshakeIds));
    EXPECT_TRUE(id_fields_fit(bytes_of("\x32\x7F"), kHandshakeIds));
}

}  // namespace
}  // namespace parley
