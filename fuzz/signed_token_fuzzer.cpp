// The Ed25519 token check (plugins/handler/handshake/signed_token_verifier.hpp): a token signed
// by a configured key with the user's `sub` and times inside the skew is accepted, and the
// verdict for a signed token is what its claims say; a token signed by any other key is never
// accepted; any one byte changed in a signed token is accepted only if it still decodes to the
// very header, payload and signature that were signed; and any bytes at all are answered
// without a crash.
#include <cstdint>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_check.hpp"
#include "handshake/signed_token_verifier.hpp"
#include "jwt/compact_token.hpp"
#include "jwt/ed25519_keys.hpp"

namespace {

using parley::UserId;
using parley::plugins::handlers::SignedTokenSettings;
using parley::plugins::handlers::SignedTokenVerifier;
using parley::plugins::handlers::TokenVerdict;
namespace jwt = parley::jwt;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::int64_t kSkew = 60;

struct Keys {
    jwt::Ed25519PrivateKey known = jwt::Ed25519PrivateKey::generate();
    jwt::Ed25519PrivateKey unknown = jwt::Ed25519PrivateKey::generate();
    SignedTokenVerifier verifier = make_verifier(known);

    static SignedTokenVerifier make_verifier(const jwt::Ed25519PrivateKey& key) {
        SignedTokenSettings settings;
        settings.keys.emplace("k1", key.public_key());
        settings.clock_skew = std::chrono::seconds(kSkew);
        return SignedTokenVerifier(std::move(settings));
    }
};

const Keys& keys() {
    static const Keys made;
    return made;
}

TokenVerdict expected_verdict(bool known_key, UserId sub, UserId user, std::int64_t exp,
                              std::int64_t nbf) {
    if (!known_key || sub != user) {
        return TokenVerdict::refused;
    }
    if (kNow > exp + kSkew) {
        return TokenVerdict::expired;
    }
    if (kNow + kSkew < nbf) {
        return TokenVerdict::not_yet_valid;
    }
    return TokenVerdict::accepted;
}

void check_signed(FuzzedDataProvider& input) {
    const bool known_key = input.ConsumeBool();
    const bool with_kid = input.ConsumeBool();
    const auto user = input.ConsumeIntegralInRange<UserId>(1, 4);
    const auto sub = input.ConsumeIntegralInRange<UserId>(1, 4);
    const std::int64_t exp = kNow + input.ConsumeIntegralInRange<std::int64_t>(-200, 200);
    const std::int64_t nbf = kNow + input.ConsumeIntegralInRange<std::int64_t>(-200, 200);
    const bool sub_as_string = input.ConsumeBool();
    const std::string header =
        std::string(R"({"alg":"EdDSA","typ":"JWT")") + (with_kid ? R"(,"kid":"k1"})" : "}");
    const std::string sub_json =
        sub_as_string ? "\"" + std::to_string(sub) + "\"" : std::to_string(sub);
    const std::string payload = R"({"sub":)" + sub_json + R"(,"exp":)" + std::to_string(exp) +
                                R"(,"nbf":)" + std::to_string(nbf) + "}";
    const auto& key = known_key ? keys().known : keys().unknown;
    const std::string token = jwt::sign_compact(key, header, payload);
    const TokenVerdict verdict = keys().verifier.verify(user, token, kNow);
    PARLEY_FUZZ_CHECK(verdict == expected_verdict(known_key, sub, user, exp, nbf));

    // One byte changed anywhere: still accepted only when it decodes to what was signed.
    if (token.empty() || input.remaining_bytes() < 2) {
        return;
    }
    std::string changed = token;
    const auto at = input.ConsumeIntegralInRange<std::size_t>(0, token.size() - 1);
    changed[at] = static_cast<char>(input.ConsumeIntegral<std::uint8_t>());
    if (changed == token || keys().verifier.verify(user, changed, kNow) != TokenVerdict::accepted) {
        return;
    }
    const auto original = jwt::parse_compact(token);
    const auto altered = jwt::parse_compact(changed);
    PARLEY_FUZZ_CHECK(original && altered);
    PARLEY_FUZZ_CHECK(altered->signing_input == original->signing_input);
    PARLEY_FUZZ_CHECK(altered->signature == original->signature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    if (input.ConsumeBool()) {
        check_signed(input);
        return 0;
    }
    // Any bytes: an answer, never a crash; never accepted without the known key's signature.
    const auto user = input.ConsumeIntegralInRange<UserId>(0, 4);
    const std::string token = input.ConsumeRemainingBytesAsString();
    if (keys().verifier.verify(user, token, kNow) == TokenVerdict::accepted) {
        const auto parsed = jwt::parse_compact(token);
        PARLEY_FUZZ_CHECK(parsed.has_value());
        const std::string_view signed_part = parsed->signing_input;
        const auto* message = reinterpret_cast<const std::uint8_t*>(signed_part.data());
        PARLEY_FUZZ_CHECK(
            keys().known.public_key().verify({message, signed_part.size()}, parsed->signature));
    }
    return 0;
}
