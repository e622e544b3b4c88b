#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <parley/types.hpp>

#include "jwt/ed25519_keys.hpp"

namespace parley::plugins::handlers {

/// What a token check decided; the handshake's error message says which.
enum class TokenVerdict : std::uint8_t { accepted, refused, expired, not_yet_valid };

struct SignedTokenSettings {
    /// By key id (the token header's `kid`); several at once while keys rotate.
    std::map<std::string, jwt::Ed25519PublicKey, std::less<>> keys;
    /// How far the issuer's clock may be off ours, for `exp` and `nbf`.
    std::chrono::seconds clock_skew{60};
    /// When set, the token's `aud` must name it.
    std::optional<std::string> audience;
    /// Tokens without `exp` are refused unless this is false.
    bool require_expiry = true;
};

/// Checks EdDSA-signed JWTs (RFC 7519 with RFC 8037's Ed25519): the header names `alg: EdDSA`
/// and the key (`kid`; may be left out when only one key is configured), the signature holds,
/// `sub` is the user id logging in, `exp`/`nbf` hold within the clock skew, and `aud` names the
/// configured audience. The broker holds public keys only. Immutable; shared by every loop.
class SignedTokenVerifier {
  public:
    /// Tokens longer than this are refused unread.
    static constexpr std::size_t kMaxTokenSize = 4096;

    explicit SignedTokenVerifier(SignedTokenSettings settings);

    TokenVerdict verify(UserId user, std::string_view token, std::int64_t now_unix) const;

  private:
    const jwt::Ed25519PublicKey* key_for(const std::string* kid) const;

    SignedTokenSettings settings_;
};

}  // namespace parley::plugins::handlers
