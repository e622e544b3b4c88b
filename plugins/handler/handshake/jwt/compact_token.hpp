#pragma once
// The compact serialisation of a signed JSON Web Token (RFC 7515/7519) with the EdDSA algorithm
// of RFC 8037: base64url(header) "." base64url(payload) "." base64url(signature), the signature
// over the first two parts as written.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jwt/ed25519_keys.hpp"

namespace parley::jwt {

std::string base64url_encode(std::span<const std::uint8_t> bytes);
std::string base64url_encode(std::string_view text);
/// Unpadded base64url only (what JWTs use); nothing for any other character or length.
std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

struct CompactToken {
    std::string header_json;
    std::string payload_json;
    std::string_view signing_input;  ///< into the token given to parse_compact
    std::vector<std::uint8_t> signature;
};

/// Splits and decodes a token; nothing when it is not three well-formed parts.
std::optional<CompactToken> parse_compact(std::string_view token);

/// Signs `header_json` and `payload_json` with `key` into a compact token.
std::string sign_compact(const Ed25519PrivateKey& key, std::string_view header_json,
                         std::string_view payload_json);

}  // namespace parley::jwt
