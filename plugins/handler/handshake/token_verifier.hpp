#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <parley/types.hpp>

#include "signed_token_verifier.hpp"

namespace parley::plugins::handlers {

/// Decides whether a handshake's token proves the user id it claims. Immutable once built, so
/// one instance serves every loop.
class TokenVerifier {
  public:
    /// Any token, even an empty one: for development only.
    static TokenVerifier accept_any();
    /// The token must equal the one listed for the user; unlisted users cannot log in.
    static TokenVerifier static_tokens(std::unordered_map<UserId, std::string> tokens);
    /// The token must be the lowercase hex HMAC-SHA256 of the decimal user id under `secret`,
    /// so an issuer that knows the secret can mint tokens without telling the broker.
    static TokenVerifier hmac_sha256(std::string secret);
    /// The token must be an EdDSA-signed JWT naming the user (SignedTokenVerifier): the
    /// broker holds only public keys.
    static TokenVerifier ed25519(SignedTokenSettings settings);

    /// Shared secrets are compared in constant time: the token's length and content leak
    /// nothing. `now_unix` is the time signed tokens are checked against.
    TokenVerdict verify(UserId user, std::string_view token, std::int64_t now_unix) const;

    /// "lowercase hex HMAC-SHA256(secret, decimal user id)", for tools and tests.
    static std::string hmac_token(std::string_view secret, UserId user);

  private:
    enum class Mode { any, static_tokens, hmac_sha256, ed25519 };

    explicit TokenVerifier(Mode mode) : mode_(mode) {}

    Mode mode_;
    std::unordered_map<UserId, std::string> tokens_;
    std::string secret_;
    std::shared_ptr<const SignedTokenVerifier> signed_;
};

}  // namespace parley::plugins::handlers
