#include "payload.hpp"

#include <cstring>

namespace parley::bench {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

void put_hex(char* out, std::uint64_t value, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
        out[i] = kDigits[value & 0xF];
        value >>= 4;
    }
}

bool get_hex(const char* in, int digits, std::uint64_t& value) {
    value = 0;
    for (int i = 0; i < digits; ++i) {
        const char c = in[i];
        std::uint64_t nibble = 0;
        if (c >= '0' && c <= '9') {
            nibble = static_cast<unsigned>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            nibble = static_cast<unsigned>(c - 'a' + 10);
        } else {
            return false;
        }
        value = (value << 4) | nibble;
    }
    return true;
}

}  // namespace

void write_payload(char* out, std::size_t size, const Stamp& stamp) {
    put_hex(out, stamp.sent_ns, 16);
    put_hex(out + 16, stamp.sender, 8);
    put_hex(out + 24, stamp.target, 8);
    put_hex(out + 32, stamp.seq, 16);
    if (size > kStampSize) {
        std::memset(out + kStampSize, '.', size - kStampSize);
    }
}

std::optional<Stamp> read_stamp(std::string_view payload) {
    if (payload.size() < kStampSize) {
        return std::nullopt;
    }
    const char* in = payload.data();
    Stamp stamp;
    std::uint64_t sender = 0;
    std::uint64_t target = 0;
    if (!get_hex(in, 16, stamp.sent_ns) || !get_hex(in + 16, 8, sender) ||
        !get_hex(in + 24, 8, target) || !get_hex(in + 32, 16, stamp.seq)) {
        return std::nullopt;
    }
    stamp.sender = static_cast<std::uint32_t>(sender);
    stamp.target = static_cast<std::uint32_t>(target);
    return stamp;
}

}  // namespace parley::bench
