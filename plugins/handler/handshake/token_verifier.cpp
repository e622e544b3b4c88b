#include "token_verifier.hpp"

#include <array>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <parley/error.hpp>

namespace parley::plugins::handlers {

namespace {

using Digest = std::array<unsigned char, 32>;

Digest sha256(std::string_view text) {
    Digest digest{};
    unsigned int size = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
        throw Error(ErrorCode::internal, "SHA-256 failed");
    }
    return digest;
}

/// Compares digests rather than the strings, so that neither the length nor the position of
/// the first difference shows in the time taken.
bool equal_in_constant_time(std::string_view expected, std::string_view given) {
    const Digest a = sha256(expected);
    const Digest b = sha256(given);
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

TokenVerifier TokenVerifier::accept_any() {
    return TokenVerifier(Mode::any);
}

TokenVerifier TokenVerifier::static_tokens(std::unordered_map<UserId, std::string> tokens) {
    TokenVerifier verifier(Mode::static_tokens);
    verifier.tokens_ = std::move(tokens);
    return verifier;
}

TokenVerifier TokenVerifier::hmac_sha256(std::string secret) {
    TokenVerifier verifier(Mode::hmac_sha256);
    verifier.secret_ = std::move(secret);
    return verifier;
}

TokenVerifier TokenVerifier::ed25519(SignedTokenSettings settings) {
    TokenVerifier verifier(Mode::ed25519);
    verifier.signed_ = std::make_shared<const SignedTokenVerifier>(std::move(settings));
    return verifier;
}

TokenVerdict TokenVerifier::verify(UserId user, std::string_view token,
                                   std::int64_t now_unix) const {
    const auto verdict = [](bool ok) {
        return ok ? TokenVerdict::accepted : TokenVerdict::refused;
    };
    switch (mode_) {
        case Mode::any:
            return TokenVerdict::accepted;
        case Mode::static_tokens: {
            const auto it = tokens_.find(user);
            const bool known = it != tokens_.end();
            // Compare for unknown users too, so timing does not tell who is listed.
            const bool equal = equal_in_constant_time(known ? it->second : "", token);
            return verdict(known && equal);
        }
        case Mode::hmac_sha256:
            return verdict(equal_in_constant_time(hmac_token(secret_, user), token));
        case Mode::ed25519:
            return signed_->verify(user, token, now_unix);
    }
    return TokenVerdict::refused;
}

std::string TokenVerifier::hmac_token(std::string_view secret, UserId user) {
    const std::string message = std::to_string(user);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
             &size) == nullptr) {
        throw Error(ErrorCode::internal, "HMAC-SHA256 failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * size);
    for (unsigned int i = 0; i < size; ++i) {
        hex.push_back(kHex[mac[i] >> 4]);
        hex.push_back(kHex[mac[i] & 0x0F]);
    }
    return hex;
}

}  // namespace parley::plugins::handlers
