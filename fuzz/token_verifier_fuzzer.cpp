// The handshake's token check (plugins/handler/handshake/token_verifier.hpp): for any secret,
// listed tokens, user and token, it accepts exactly what its mode says, and the HMAC tokens it
// mints are what it accepts.
#include <cstdint>
#include <string>
#include <unordered_map>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_check.hpp"
#include "handshake/token_verifier.hpp"

namespace {

using parley::UserId;
using parley::plugins::handlers::TokenVerdict;
using parley::plugins::handlers::TokenVerifier;

bool accepts(const TokenVerifier& verifier, UserId user, const std::string& token) {
    return verifier.verify(user, token, /*now_unix=*/0) == TokenVerdict::accepted;
}

bool is_lower_hex(const std::string& text) {
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

void check_static(FuzzedDataProvider& input) {
    std::unordered_map<UserId, std::string> tokens;
    const auto listed = input.ConsumeIntegralInRange<int>(0, 4);
    for (int i = 0; i < listed; ++i) {
        // Small ids, so a user asked about is often listed.
        tokens[input.ConsumeIntegralInRange<UserId>(1, 8)] = input.ConsumeRandomLengthString(64);
    }
    const auto user = input.ConsumeIntegralInRange<UserId>(0, 8);
    const std::string token = input.ConsumeRemainingBytesAsString();
    const TokenVerifier verifier = TokenVerifier::static_tokens(tokens);
    const auto it = tokens.find(user);
    const bool expected = it != tokens.end() && it->second == token;
    PARLEY_FUZZ_CHECK(accepts(verifier, user, token) == expected);
    if (it != tokens.end()) {
        PARLEY_FUZZ_CHECK(accepts(verifier, user, it->second));
    }
}

void check_hmac(FuzzedDataProvider& input) {
    const std::string secret = input.ConsumeRandomLengthString(128);
    const auto user = input.ConsumeIntegral<UserId>();
    const std::string token = input.ConsumeRemainingBytesAsString();
    const TokenVerifier verifier = TokenVerifier::hmac_sha256(secret);
    const std::string minted = TokenVerifier::hmac_token(secret, user);
    PARLEY_FUZZ_CHECK(minted.size() == 64 && is_lower_hex(minted));
    PARLEY_FUZZ_CHECK(TokenVerifier::hmac_token(secret, user) == minted);
    PARLEY_FUZZ_CHECK(accepts(verifier, user, minted));
    PARLEY_FUZZ_CHECK(accepts(verifier, user, token) == (token == minted));
    // Another user's token is not this user's.
    PARLEY_FUZZ_CHECK(!accepts(verifier, user + 1, minted));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    switch (input.ConsumeIntegralInRange<int>(0, 2)) {
        case 0: {
            const TokenVerifier any = TokenVerifier::accept_any();
            const auto user = input.ConsumeIntegral<UserId>();
            PARLEY_FUZZ_CHECK(accepts(any, user, input.ConsumeRemainingBytesAsString()));
            break;
        }
        case 1:
            check_static(input);
            break;
        default:
            check_hmac(input);
            break;
    }
    return 0;
}
