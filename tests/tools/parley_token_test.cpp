// parley-token as an issuer runs it: the key it makes and the tokens it mints are what
// handler-handshake's `auth: ed25519` accepts.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "jwt/compact_token.hpp"
#include "signed_token_verifier.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using plugins::handlers::SignedTokenSettings;
using plugins::handlers::SignedTokenVerifier;
using plugins::handlers::TokenVerdict;
using ::testing::HasSubstr;

std::filesystem::path tool() {
    const char* build = std::getenv("PARLEY_BUILD_DIR");
    if (build == nullptr) {
        throw std::runtime_error("PARLEY_BUILD_DIR is not set; run the test through ctest");
    }
    return std::filesystem::path(build) / "bin" / "parley-token";
}

/// The tool's run, its output without the last newline (a token or a key is one line).
ToolRun run_tool(const std::vector<std::string>& args) {
    ToolRun run = test::run_tool(tool(), args);
    if (!run.output.empty() && run.output.back() == '\n') {
        run.output.pop_back();
    }
    return run;
}

std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST(ParleyTokenTest, MintedTokensLogInWithTheKeyKeygenPrinted) {
    TempDir dir{"parley-token"};
    const auto key = dir.file("issuer.pem");
    const ToolRun keygen = run_tool({"keygen", "--private-key", key.string()});
    ASSERT_EQ(keygen.status, 0) << keygen.output;
    EXPECT_EQ((std::filesystem::status(key).permissions() & std::filesystem::perms::others_read),
              std::filesystem::perms::none)
        << "the private key is readable by others";
    const auto raw = jwt::base64url_decode(keygen.output);
    ASSERT_TRUE(raw.has_value()) << keygen.output;

    const ToolRun again = run_tool({"public-key", "--private-key", key.string()});
    EXPECT_EQ(again.output, keygen.output);

    const ToolRun mint = run_tool({"mint", "--private-key", key.string(), "--user", "42", "--kid",
                                   "k1", "--ttl", "10m", "--audience", "chat"});
    ASSERT_EQ(mint.status, 0) << mint.output;

    SignedTokenSettings settings;
    settings.keys.emplace("k1", jwt::Ed25519PublicKey::from_raw(*raw));
    settings.audience = "chat";
    const SignedTokenVerifier verifier(std::move(settings));
    EXPECT_EQ(verifier.verify(42, mint.output, now()), TokenVerdict::accepted);
    EXPECT_EQ(verifier.verify(43, mint.output, now()), TokenVerdict::refused);
    EXPECT_EQ(verifier.verify(42, mint.output, now() + 11 * 60 + 61), TokenVerdict::expired)
        << "--ttl 10m, plus the default minute of clock skew";

    // The public key file keygen wrote is the same key, for `{file: ...}`.
    SignedTokenSettings from_file;
    from_file.keys.emplace("k1", jwt::Ed25519PublicKey::from_pem_file(key.string() + ".pub"));
    from_file.audience = "chat";
    EXPECT_EQ(SignedTokenVerifier(std::move(from_file)).verify(42, mint.output, now()),
              TokenVerdict::accepted);
}

TEST(ParleyTokenTest, RefusesMistakes) {
    TempDir dir{"parley-token"};
    const auto key = dir.file("issuer.pem");
    ASSERT_EQ(run_tool({"keygen", "--private-key", key.string()}).status, 0);
    const ToolRun overwrite = run_tool({"keygen", "--private-key", key.string()});
    EXPECT_EQ(overwrite.status, 2);
    EXPECT_THAT(overwrite.output, HasSubstr("exists; not overwriting a key"));
    const ToolRun zero = run_tool({"mint", "--private-key", key.string(), "--user", "0"});
    EXPECT_EQ(zero.status, 2);
    EXPECT_THAT(zero.output, HasSubstr("--user takes a user id"));
    const ToolRun ttl =
        run_tool({"mint", "--private-key", key.string(), "--user", "1", "--ttl", "soon"});
    EXPECT_EQ(ttl.status, 2);
    const ToolRun unknown =
        run_tool({"mint", "--private-key", key.string(), "--user", "1", "--color", "red"});
    EXPECT_THAT(unknown.output, HasSubstr("unknown option --color"));
}

}  // namespace
}  // namespace parley::test
