#pragma once
// The ChatMessage body of a private or group message is forwarded byte for byte; the server only
// needs its client_msg_id and the certainty that it is a ChatMessage. Reading those in place
// costs no allocation, where parsing builds the message and copies its text.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace parley::plugins::handlers {

namespace detail {

/// Whether `text` is well-formed UTF-8, as protobuf requires of a proto3 string.
inline bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 1;
        std::uint32_t min = 0;
        std::uint32_t code = lead;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2, min = 0x80, code = lead & 0x1FU;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3, min = 0x800, code = lead & 0x0FU;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4, min = 0x10000, code = lead & 0x07U;
        } else if (lead >= 0x80) {
            return false;  // a continuation byte, an overlong lead (C0, C1) or F5-FF
        }
        if (length > text.size() - i) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0U) != 0x80U) {
                return false;
            }
            code = (code << 6U) | (next & 0x3FU);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

}  // namespace detail

namespace detail {

/// Reads protobuf wire data in place, with the limits protobuf's own parser applies.
class WireReader {
  public:
    explicit WireReader(std::span<const std::uint8_t> bytes)
        : next_(bytes.data()), end_(bytes.data() + bytes.size()) {}

    bool at_end() const noexcept { return next_ == end_; }

    /// A varint of at most `max_bytes` bytes; the bits beyond 64 are dropped.
    bool varint(std::uint64_t& value, int max_bytes = 10) noexcept {
        value = 0;
        for (int i = 0; i < max_bytes && next_ != end_; ++i) {
            const std::uint8_t byte = *next_++;
            value |= static_cast<std::uint64_t>(byte & 0x7FU) << (7 * i);
            if ((byte & 0x80U) == 0) {
                return true;
            }
        }
        return false;
    }

    /// A field tag: at most 5 bytes, of which the low 32 bits count; field number 0 is invalid.
    bool tag(std::uint32_t& out) noexcept {
        std::uint64_t value = 0;
        if (!varint(value, 5)) {
            return false;
        }
        out = static_cast<std::uint32_t>(value);
        return (out >> 3) != 0;
    }

    /// The bytes of a length-delimited field (length: at most 5 bytes, below 2 GiB).
    bool delimited(std::string_view& out) noexcept {
        std::uint64_t length = 0;
        if (!varint(length, 5) || length > INT32_MAX ||
            length > static_cast<std::uint64_t>(end_ - next_)) {
            return false;
        }
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as chars
        out = {reinterpret_cast<const char*>(next_), static_cast<std::size_t>(length)};
        next_ += length;
        return true;
    }

    bool skip(std::size_t count) noexcept {
        if (count > static_cast<std::size_t>(end_ - next_)) {
            return false;
        }
        next_ += count;
        return true;
    }

    /// Skips the value of a field with `tag`, as the parser skips an unknown field.
    bool skip_field(std::uint32_t field_tag, int depth = 0) noexcept {
        std::uint64_t ignored = 0;
        std::string_view bytes;
        switch (field_tag & 7U) {
            case 0:
                return varint(ignored);
            case 1:
                return skip(8);
            case 2:
                return delimited(bytes);
            case 3:  // a group: fields up to the matching end tag
                if (depth >= 100) {
                    return false;
                }
                for (std::uint32_t inner = 0; tag(inner);) {
                    if ((inner & 7U) == 4) {
                        return inner == field_tag + 1;
                    }
                    if (!skip_field(inner, depth + 1)) {
                        return false;
                    }
                }
                return false;
            case 5:
                return skip(4);
            default:  // an end tag outside its group, or wire types 6 and 7
                return false;
        }
    }

  private:
    const std::uint8_t* next_;
    const std::uint8_t* end_;
};

}  // namespace detail

/// The client_msg_id of a ChatMessage body, or nothing when the body is not a ChatMessage in
/// the sense of protobuf's parser: malformed wire data, or content that is not UTF-8. Unknown
/// fields, and known fields of another wire type, are skipped as the parser skips them.
inline std::optional<std::uint64_t> chat_message_id(std::span<const std::uint8_t> body) {
    detail::WireReader in(body);
    std::uint64_t id = 0;
    while (!in.at_end()) {
        std::uint32_t tag = 0;
        if (!in.tag(tag)) {
            return std::nullopt;
        }
        std::string_view content;
        if (tag == ((1U << 3) | 0U)) {  // client_msg_id, a varint
            if (!in.varint(id)) {
                return std::nullopt;
            }
        } else if (tag == ((2U << 3) | 2U)) {  // content, a UTF-8 string
            if (!in.delimited(content) || !detail::valid_utf8(content)) {
                return std::nullopt;
            }
        } else if (!in.skip_field(tag)) {
            return std::nullopt;
        }
    }
    return id;
}

}  // namespace parley::plugins::handlers
