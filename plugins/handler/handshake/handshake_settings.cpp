#include "handshake_settings.hpp"

#include <charconv>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "jwt/compact_token.hpp"

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

/// A key file named relative to the YAML file that names it.
std::filesystem::path key_file(const ConfigNode& node) {
    std::filesystem::path file = node.as_string();
    if (file.is_relative() && node.location().file) {
        file = std::filesystem::path(*node.location().file).parent_path() / file;
    }
    return file;
}

jwt::Ed25519PublicKey read_public_key(const std::string& kid, const ConfigNode& node) {
    try {
        if (node.is_map()) {
            SettingsReader entry(node, "public key '" + kid + "'");
            auto key = jwt::Ed25519PublicKey::from_pem_file(key_file(entry.require("file")));
            entry.finish();
            return key;
        }
        const auto raw = jwt::base64url_decode(node.as_string());
        if (!raw) {
            node.fail("public key '" + kid +
                      "' is not unpadded base64url (what `parley-token keygen` prints)");
        }
        return jwt::Ed25519PublicKey::from_raw(*raw);
    } catch (const std::invalid_argument& e) {
        node.fail("public key '" + kid + "': " + e.what());
    }
}

SignedTokenSettings read_signed_token_settings(SettingsReader& reader) {
    SignedTokenSettings settings;
    const ConfigNode& keys = reader.require("public_keys");
    if (!keys.is_map() || keys.entries().empty()) {
        keys.fail("public_keys maps key ids to Ed25519 public keys, e.g. {k1: \"<base64url>\"}");
    }
    for (const auto& [kid, value] : keys.entries()) {
        settings.keys.emplace(kid, read_public_key(kid, value));
    }
    settings.clock_skew = std::chrono::duration_cast<std::chrono::seconds>(reader.get_duration(
        "clock_skew", settings.clock_skew, std::chrono::milliseconds(0), std::chrono::hours(1)));
    if (const ConfigNode* audience = reader.find("audience")) {
        settings.audience = audience->as_string();
    }
    settings.require_expiry = reader.get_bool("require_expiry", settings.require_expiry);
    return settings;
}

/// Keys only one auth mode reads: naming them under another is an error, so a forgotten
/// `auth:` cannot leave the broker open while the file seems to configure tokens.
void refuse_keys_of_other_modes(SettingsReader& reader, const std::string& auth) {
    const struct {
        const char* key;
        const char* mode;
    } owned[] = {{"tokens", "static"},       {"secret", "hmac-sha256"},
                 {"public_keys", "ed25519"}, {"clock_skew", "ed25519"},
                 {"audience", "ed25519"},    {"require_expiry", "ed25519"}};
    for (const auto& [key, mode] : owned) {
        if (const ConfigNode* node = reader.find(key); node != nullptr && auth != mode) {
            node->fail(std::string(key) + " is read only with 'auth: " + mode + "' (auth is '" +
                       auth + "')");
        }
    }
}

TokenVerifier read_verifier(SettingsReader& reader) {
    const std::string auth =
        reader.get_choice("auth", "none", {"none", "static", "hmac-sha256", "ed25519"});
    refuse_keys_of_other_modes(reader, auth);
    if (auth == "ed25519") {
        return TokenVerifier::ed25519(read_signed_token_settings(reader));
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
