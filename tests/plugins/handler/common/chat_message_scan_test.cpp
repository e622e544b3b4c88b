// The in-place ChatMessage check must accept and refuse exactly what protobuf's parser does,
// and read the same client_msg_id.
#include "common/chat_message_scan.hpp"

#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <parley.pb.h>

namespace parley::plugins::handlers {
namespace {

std::span<const std::uint8_t> bytes(const std::string& text) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): viewing chars as bytes
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string hex(const std::string& body) {
    std::string out;
    for (const char c : body) {
        out += fmt::format("{:02x}", static_cast<unsigned char>(c));
    }
    return out;
}

/// Compares the scan with a full parse of `body`.
::testing::AssertionResult agrees_with_protobuf(const std::string& body) {
    wire::ChatMessage parsed;
    const bool parses = parsed.ParseFromString(body);
    const auto scanned = chat_message_id(bytes(body));
    if (parses != scanned.has_value()) {
        return ::testing::AssertionFailure()
               << "protobuf " << (parses ? "accepts" : "refuses") << " what the scan "
               << (scanned ? "accepts" : "refuses") << ": " << hex(body);
    }
    if (parses && parsed.client_msg_id() != *scanned) {
        return ::testing::AssertionFailure()
               << "ids differ: " << parsed.client_msg_id() << " vs " << *scanned;
    }
    return ::testing::AssertionSuccess();
}

std::string chat(std::uint64_t id, const std::string& content, std::uint64_t sent_at = 0) {
    wire::ChatMessage message;
    message.set_client_msg_id(id);
    message.set_content(content);
    message.set_sent_at_ms(sent_at);
    return message.SerializeAsString();
}

TEST(ChatMessageScanTest, ReadsTheIdOfWellFormedBodies) {
    EXPECT_EQ(chat_message_id(bytes(chat(42, "hello"))), 42U);
    EXPECT_EQ(chat_message_id(bytes(chat(0, ""))), 0U);  // the empty body
    EXPECT_EQ(chat_message_id(bytes(chat(UINT64_MAX, "x", 7))), UINT64_MAX);
    EXPECT_EQ(chat_message_id(bytes(chat(5, "h\xC3\xA9llo \xF0\x9F\x98\x80"))), 5U);
}

TEST(ChatMessageScanTest, AgreesWithProtobufOnHandPickedBodies) {
    const std::vector<std::string> bodies = {
        chat(1, "ok"),
        chat(2, "bad \xC3"),                 // truncated sequence
        chat(3, "bad \xC0\xAF"),             // overlong
        chat(4, "bad \xED\xA0\x80"),         // a surrogate
        chat(5, "bad \xF4\x90\x80\x80"),     // above U+10FFFF
        chat(6, std::string(70000, 'a')),    // a long string
        std::string("\x08\x01\x08\x02", 4),  // the id twice: the last wins
        std::string("\x12\x05"
                    "abc",
                    5),                      // a length past the end
        std::string("\x08", 1),              // a tag without its value
        std::string("\x0A\x01x", 3),         // field 1 as a string: unknown, skipped
        std::string("\x10\x05", 2),          // field 2 as a varint
        std::string("\x78\x01\x08\x07", 4),  // unknown field 15, then the id
        std::string("\x0B\x0C", 2),          // a group: start and end
        std::string("\x0C", 1),              // an end-group tag alone
        std::string("\x00", 1),              // tag 0
        std::string("\x08\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01", 11),      // the largest varint
        std::string("\x08\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01", 12),  // too long
    };
    for (const auto& body : bodies) {
        EXPECT_TRUE(agrees_with_protobuf(body));
    }
}

TEST(ChatMessageScanTest, AgreesWithProtobufOnRandomAndMutatedBodies) {
    std::mt19937 random(20261126);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 100000; ++round) {
        std::string body;
        if (round % 2 == 0) {
            body.resize(static_cast<std::size_t>(byte(random) % 24));
            for (auto& c : body) {
                c = static_cast<char>(byte(random));
            }
        } else {
            // A valid body with one byte changed or cut short.
            body = chat(static_cast<std::uint64_t>(round) * 977,
                        "message \xE2\x82\xAC " + std::to_string(round));
            const auto at = static_cast<std::size_t>(byte(random)) % body.size();
            if (round % 4 == 1) {
                body[at] = static_cast<char>(byte(random));
            } else {
                body.resize(at);
            }
        }
        ASSERT_TRUE(agrees_with_protobuf(body)) << "round " << round;
    }
}

}  // namespace
}  // namespace parley::plugins::handlers
