#pragma once
// Small encoders and decoders shared by the adapters: big-endian integers, protobuf varints and
// fields, decimal numbers. All work on raw bytes without allocating.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include "byte_buffer.hpp"

namespace parley::bench::wire {

inline void put_be32(char* out, std::uint32_t value) {
    out[0] = static_cast<char>(value >> 24);
    out[1] = static_cast<char>(value >> 16);
    out[2] = static_cast<char>(value >> 8);
    out[3] = static_cast<char>(value);
}

inline std::uint32_t get_be32(const char* in) {
    const auto* b = reinterpret_cast<const unsigned char*>(in);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
}

inline std::size_t varint_size(std::uint64_t value) {
    std::size_t size = 1;
    while (value >= 0x80) {
        value >>= 7;
        ++size;
    }
    return size;
}

/// Writes a varint at `out`, returns the bytes written.
inline std::size_t put_varint(char* out, std::uint64_t value) {
    std::size_t i = 0;
    while (value >= 0x80) {
        out[i++] = static_cast<char>((value & 0x7F) | 0x80);
        value >>= 7;
    }
    out[i++] = static_cast<char>(value);
    return i;
}

/// Reads a varint from the front of `in` and advances it; nothing when it is cut short.
inline std::optional<std::uint64_t> get_varint(std::string_view& in) {
    std::uint64_t value = 0;
    for (unsigned shift = 0; shift < 64 && !in.empty(); shift += 7) {
        const auto byte = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        value |= std::uint64_t{byte & 0x7Fu} << shift;
        if ((byte & 0x80) == 0) {
            return value;
        }
    }
    return std::nullopt;
}

/// One protobuf field of a message body: its number and either its varint or its bytes.
struct ProtoField {
    std::uint32_t number = 0;
    std::uint64_t varint = 0;
    std::string_view bytes;
};

/// Reads the next field of `body` (advancing it); false at the end or on a malformed body.
/// Fixed-width fields are skipped over and reported with an empty value.
inline bool next_field(std::string_view& body, ProtoField& field) {
    if (body.empty()) {
        return false;
    }
    const auto tag = get_varint(body);
    if (!tag) {
        return false;
    }
    field.number = static_cast<std::uint32_t>(*tag >> 3);
    field.varint = 0;
    field.bytes = {};
    switch (*tag & 7) {
        case 0: {
            const auto value = get_varint(body);
            if (!value) {
                return false;
            }
            field.varint = *value;
            return true;
        }
        case 2: {
            const auto length = get_varint(body);
            if (!length || *length > body.size()) {
                return false;
            }
            field.bytes = body.substr(0, *length);
            body.remove_prefix(*length);
            return true;
        }
        case 1:
        case 5: {
            const std::size_t width = (*tag & 7) == 1 ? 8 : 4;
            if (body.size() < width) {
                return false;
            }
            body.remove_prefix(width);
            return true;
        }
        default:
            return false;
    }
}

/// Appends the decimal digits of `value`.
inline void append_decimal(ByteBuffer& out, std::uint64_t value) {
    char* at = out.prepare(20);
    const auto result = std::to_chars(at, at + 20, value);
    out.commit(static_cast<std::size_t>(result.ptr - at));
}

inline std::size_t decimal_size(std::uint64_t value) {
    std::size_t size = 1;
    while (value >= 10) {
        value /= 10;
        ++size;
    }
    return size;
}

inline std::optional<std::uint64_t> parse_decimal(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (result.ec != std::errc{} || result.ptr != end) {
        return std::nullopt;
    }
    return value;
}

}  // namespace parley::bench::wire
