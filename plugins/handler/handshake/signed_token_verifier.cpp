#include "signed_token_verifier.hpp"

#include <cmath>
#include <span>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "jwt/compact_token.hpp"

namespace parley::plugins::handlers {
namespace {

namespace json = boost::json;

std::optional<json::object> parse_object(const std::string& text) {
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec || !value.is_object()) {
        return std::nullopt;
    }
    return std::move(value.as_object());
}

const json::value* field(const json::object& object, std::string_view name) {
    return object.if_contains(name);
}

const json::string* string_field(const json::object& object, std::string_view name) {
    const json::value* value = field(object, name);
    return value != nullptr ? value->if_string() : nullptr;
}

std::optional<double> number_of(const json::value& value) {
    if (value.is_int64()) {
        return static_cast<double>(value.as_int64());
    }
    if (value.is_uint64()) {
        return static_cast<double>(value.as_uint64());
    }
    if (value.is_double() && std::isfinite(value.as_double())) {
        return value.as_double();
    }
    return std::nullopt;
}

/// A NumericDate claim (seconds since the epoch); nothing when absent. Anything but a finite
/// number sets `malformed`.
std::optional<double> date_field(const json::object& object, std::string_view name,
                                 bool& malformed) {
    const json::value* value = field(object, name);
    if (value == nullptr) {
        return std::nullopt;
    }
    const auto number = number_of(*value);
    if (!number) {
        malformed = true;
    }
    return number;
}

bool names_user(const json::value* sub, UserId user) {
    if (sub == nullptr) {
        return false;
    }
    if (const json::string* text = sub->if_string()) {
        return *text == std::to_string(user);
    }
    const auto number = number_of(*sub);
    return number && *number == static_cast<double>(user);
}

bool names_audience(const json::value* aud, const std::string& audience) {
    if (aud == nullptr) {
        return false;
    }
    if (const json::string* text = aud->if_string()) {
        return *text == audience;
    }
    if (const json::array* list = aud->if_array()) {
        for (const json::value& entry : *list) {
            if (const json::string* text = entry.if_string(); text && *text == audience) {
                return true;
            }
        }
    }
    return false;
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

SignedTokenVerifier::SignedTokenVerifier(SignedTokenSettings settings)
    : settings_(std::move(settings)) {}

const jwt::Ed25519PublicKey* SignedTokenVerifier::key_for(const std::string* kid) const {
    if (kid == nullptr) {
        // No key id: unambiguous only while one key is configured.
        return settings_.keys.size() == 1 ? &settings_.keys.begin()->second : nullptr;
    }
    const auto it = settings_.keys.find(*kid);
    return it == settings_.keys.end() ? nullptr : &it->second;
}

TokenVerdict SignedTokenVerifier::verify(UserId user, std::string_view token,
                                         std::int64_t now_unix) const {
    if (token.size() > kMaxTokenSize) {
        return TokenVerdict::refused;
    }
    const auto parts = jwt::parse_compact(token);
    if (!parts) {
        return TokenVerdict::refused;
    }
    const auto header = parse_object(parts->header_json);
    // Only EdDSA: a token may not pick a weaker algorithm ("none", or an HMAC keyed with the
    // public key), and a critical extension we do not know must not be ignored.
    if (!header || string_field(*header, "alg") == nullptr ||
        *string_field(*header, "alg") != "EdDSA" || field(*header, "crit") != nullptr) {
        return TokenVerdict::refused;
    }
    const json::value* kid_value = field(*header, "kid");
    if (kid_value != nullptr && !kid_value->is_string()) {
        return TokenVerdict::refused;
    }
    std::optional<std::string> kid;
    if (kid_value != nullptr) {
        kid.emplace(kid_value->as_string());
    }
    const jwt::Ed25519PublicKey* key = key_for(kid ? &*kid : nullptr);
    if (key == nullptr || !key->verify(bytes_of(parts->signing_input), parts->signature)) {
        return TokenVerdict::refused;
    }
    // Signed by a key we trust: now the claims.
    const auto claims = parse_object(parts->payload_json);
    if (!claims || !names_user(field(*claims, "sub"), user)) {
        return TokenVerdict::refused;
    }
    if (settings_.audience && !names_audience(field(*claims, "aud"), *settings_.audience)) {
        return TokenVerdict::refused;
    }
    bool malformed = false;
    const auto expires = date_field(*claims, "exp", malformed);
    const auto not_before = date_field(*claims, "nbf", malformed);
    if (malformed || (!expires && settings_.require_expiry)) {
        return TokenVerdict::refused;
    }
    const auto skew = static_cast<double>(settings_.clock_skew.count());
    const auto now = static_cast<double>(now_unix);
    if (expires && now > *expires + skew) {
        return TokenVerdict::expired;
    }
    if (not_before && now + skew < *not_before) {
        return TokenVerdict::not_yet_valid;
    }
    return TokenVerdict::accepted;
}

}  // namespace parley::plugins::handlers
