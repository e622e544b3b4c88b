#include "jwt/compact_token.hpp"

#include <array>

namespace parley::jwt {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int value_of(char c) noexcept {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    return c == '_' ? 63 : -1;
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t n =
            (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        out.push_back(kAlphabet[(n >> 18) & 63]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        out.push_back(kAlphabet[(n >> 6) & 63]);
        out.push_back(kAlphabet[n & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t n = std::uint32_t{bytes[i]} << 16;
        if (rest == 2) {
            n |= std::uint32_t{bytes[i + 1]} << 8;
        }
        out.push_back(kAlphabet[(n >> 18) & 63]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        if (rest == 2) {
            out.push_back(kAlphabet[(n >> 6) & 63]);
        }
    }
    return out;
}

std::string base64url_encode(std::string_view text) {
    return base64url_encode(bytes_of(text));
}

std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) {
        return std::nullopt;  // no length of bytes encodes to 4k+1 characters
    }
    std::vector<std::uint8_t> out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t bits = 0;
    int count = 0;
    for (const char c : text) {
        const int v = value_of(c);
        if (v < 0) {
            return std::nullopt;
        }
        bits = (bits << 6) | static_cast<std::uint32_t>(v);
        if (++count == 4) {
            out.push_back(static_cast<std::uint8_t>(bits >> 16));
            out.push_back(static_cast<std::uint8_t>(bits >> 8));
            out.push_back(static_cast<std::uint8_t>(bits));
            bits = 0;
            count = 0;
        }
    }
    if (count == 2) {
        if ((bits & 0x0F) != 0) {
            return std::nullopt;  // stray bits: not the canonical encoding
        }
        out.push_back(static_cast<std::uint8_t>(bits >> 4));
    } else if (count == 3) {
        if ((bits & 0x03) != 0) {
            return std::nullopt;
        }
        out.push_back(static_cast<std::uint8_t>(bits >> 10));
        out.push_back(static_cast<std::uint8_t>(bits >> 2));
    }
    return out;
}

std::optional<CompactToken> parse_compact(std::string_view token) {
    const std::size_t first = token.find('.');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    const std::size_t second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    auto header = base64url_decode(token.substr(0, first));
    auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
    auto signature = base64url_decode(token.substr(second + 1));
    if (!header || !payload || !signature) {
        return std::nullopt;
    }
    CompactToken parsed;
    parsed.header_json.assign(header->begin(), header->end());
    parsed.payload_json.assign(payload->begin(), payload->end());
    parsed.signing_input = token.substr(0, second);
    parsed.signature = std::move(*signature);
    return parsed;
}

std::string sign_compact(const Ed25519PrivateKey& key, std::string_view header_json,
                         std::string_view payload_json) {
    std::string token = base64url_encode(header_json) + "." + base64url_encode(payload_json);
    const auto signature = key.sign(bytes_of(token));
    return token + "." + base64url_encode(signature);
}

}  // namespace parley::jwt
