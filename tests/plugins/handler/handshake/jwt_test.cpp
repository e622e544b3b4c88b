// The compact EdDSA token form against RFC 8037's own example, so tokens from any conforming
// issuer are read the same way.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "jwt/compact_token.hpp"
#include "jwt/ed25519_keys.hpp"

namespace parley::jwt {
namespace {

// RFC 8037, appendix A.1 (the key) and A.4 (the signature of "Example of Ed25519 signing").
constexpr const char* kSeed = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
constexpr const char* kPublic = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
constexpr const char* kJws =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

std::vector<std::uint8_t> decoded(const char* text) {
    auto bytes = base64url_decode(text);
    EXPECT_TRUE(bytes.has_value()) << text;
    return bytes.value_or(std::vector<std::uint8_t>{});
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(JwtTest, SigningTheRfcExampleGivesTheRfcToken) {
    const auto key = Ed25519PrivateKey::from_raw(decoded(kSeed));
    EXPECT_EQ(base64url_encode(key.public_key().raw()), kPublic);
    EXPECT_EQ(sign_compact(key, R"({"alg":"EdDSA"})", "Example of Ed25519 signing"), kJws);
}

TEST(JwtTest, TheRfcTokenVerifiesAndAnyChangeBreaksIt) {
    const auto key = Ed25519PublicKey::from_raw(decoded(kPublic));
    const auto token = parse_compact(kJws);
    ASSERT_TRUE(token.has_value());
    EXPECT_EQ(token->header_json, R"({"alg":"EdDSA"})");
    EXPECT_EQ(token->payload_json, "Example of Ed25519 signing");
    EXPECT_TRUE(key.verify(bytes_of(token->signing_input), token->signature));

    std::string tampered = kJws;
    tampered[30] = tampered[30] == 'A' ? 'B' : 'A';  // inside the payload
    const auto changed = parse_compact(tampered);
    ASSERT_TRUE(changed.has_value());
    EXPECT_FALSE(key.verify(bytes_of(changed->signing_input), changed->signature));
}

TEST(JwtTest, Base64urlIsUnpaddedAndCanonical) {
    for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        const auto back = base64url_decode(base64url_encode(text));
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(std::string(back->begin(), back->end()), text);
    }
    EXPECT_EQ(base64url_encode(std::string("\xfb\xff")), "-_8");
    EXPECT_FALSE(base64url_decode("Zm9v=").has_value()) << "padding";
    EXPECT_FALSE(base64url_decode("Zm9v+").has_value()) << "standard alphabet";
    EXPECT_FALSE(base64url_decode("Zh").has_value()) << "stray bits";
    EXPECT_FALSE(base64url_decode("Zm9vY").has_value()) << "impossible length";
}

TEST(JwtTest, MalformedTokensDoNotParse) {
    EXPECT_FALSE(parse_compact("").has_value());
    EXPECT_FALSE(parse_compact("a.b").has_value());
    EXPECT_FALSE(parse_compact("a.b.c.d").has_value());
    EXPECT_FALSE(parse_compact("e30.e30.***").has_value());
}

}  // namespace
}  // namespace parley::jwt
