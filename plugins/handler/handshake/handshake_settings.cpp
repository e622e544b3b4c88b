#include "handshake_settings.hpp"

#include <charconv>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace parley::plugins::handlers {

namespace {

std::unordered_map<UserId, std::string> read_tokens(const ConfigNode& node) {
    if (!node.is_map()) {
        node.fail("tokens is a map of user id to token, e.g. {42: \"s3cret\"}");
    }
    std::unordered_map<UserId, std::string> tokens;
    for (const auto& [key, value] : node.entries()) {
        UserId user = 0;
        const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), user);
        if (error != std::errc{} || end != key.data() + key.size() || user == parley::kNoUser) {
            value.fail("'" + key + "' is not a user id (1-4294967295)");
        }
        std::string token = value.as_string();
        if (token.empty()) {
            value.fail("the token of user " + key + " is empty");
        }
        if (!tokens.emplace(user, std::move(token)).second) {
            value.fail("user " + std::to_string(user) + " is listed twice");
        }
    }
    if (tokens.empty()) {
        node.fail("tokens lists nobody, so nobody could log in");
    }
    return tokens;
}

TokenVerifier read_verifier(SettingsReader& reader) {
    const std::string auth = reader.get_choice("auth", "none", {"none", "static", "hmac-sha256"});
    // Refuse keys the chosen mode ignores: a forgotten `auth: static` must not leave the broker
    // open while the file seems to list tokens.
    if (const ConfigNode* tokens = reader.find("tokens"); tokens != nullptr && auth != "static") {
        tokens->fail("tokens are read only with 'auth: static' (auth is '" + auth + "')");
    }
    if (const ConfigNode* secret = reader.find("secret");
        secret != nullptr && auth != "hmac-sha256") {
        secret->fail("secret is read only with 'auth: hmac-sha256' (auth is '" + auth + "')");
    }
    if (auth == "static") {
        return TokenVerifier::static_tokens(read_tokens(reader.require("tokens")));
    }
    if (auth == "hmac-sha256") {
        const ConfigNode& node = reader.require("secret");
        std::string secret = node.as_string();
        if (secret.empty()) {
            node.fail("the secret is empty");
        }
        return TokenVerifier::hmac_sha256(std::move(secret));
    }
    return TokenVerifier::accept_any();
}

}  // namespace

HandshakeSettings read_handshake_settings(const ConfigNode& settings) {
    SettingsReader reader(settings, "handler-handshake settings");
    HandshakeSettings parsed;
    parsed.verifier = read_verifier(reader);
    parsed.duplicate_login =
        reader.get_choice("duplicate_login", "reject", {"reject", "kick"}) == "kick"
            ? DuplicateLoginPolicy::kick_old
            : DuplicateLoginPolicy::reject;
    if (const ConfigNode* resume = reader.find("resume_secret")) {
        std::string key = resume->as_string();
        if (key.size() < 16) {
            resume->fail("resume_secret must be at least 16 characters");
        }
        parsed.resume = ResumeTokens(std::move(key));
    } else if (const ConfigNode* secret = reader.find("secret")) {
        // Every node that shares the auth secret then accepts the others' resume tokens; the
        // token key differs from the auth secret, so a resume token proves nothing else.
        parsed.resume = ResumeTokens("parley-resume-token:" + secret->as_string());
    }
    reader.finish();
    return parsed;
}

}  // namespace parley::plugins::handlers
