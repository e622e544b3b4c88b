#include "config/admin_settings.hpp"

#include <algorithm>

#include "config/broker_config.hpp"

namespace parley::config {
namespace {

/// The shortest token accepted: shorter ones are guessable, and a token is all a caller shows.
constexpr std::size_t kMinTokenLength = 16;

}  // namespace

void check_secret_token(const ConfigNode& token, const std::string& key) {
    const std::string text = token.as_string();
    if (text.size() < kMinTokenLength) {
        token.fail(key + " must be at least " + std::to_string(kMinTokenLength) + " characters");
    }
    if (std::any_of(text.begin(), text.end(), [](char c) {
            return static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) > '~';
        })) {
        token.fail(key + " must be printable ASCII without spaces");
    }
}

AdminSettings parse_admin_settings(const ConfigNode& node) {
    SettingsReader reader(node, "admin settings");
    AdminSettings admin;
    if (const ConfigNode* listen = reader.find("listen")) {
        admin.listen = parse_endpoint(*listen);
    }
    if (const ConfigNode* token = reader.find("token")) {
        admin.token = token->as_string();
        check_secret_token(*token, "admin.token");
    }
    admin.max_connections = static_cast<std::size_t>(reader.get_int(
        "max_connections", static_cast<std::int64_t>(admin.max_connections), 1, 10'000));
    admin.request_timeout =
        reader.get_duration("request_timeout", admin.request_timeout, std::chrono::milliseconds(1),
                            std::chrono::milliseconds(600'000));
    admin.max_request_size = static_cast<std::size_t>(
        reader.get_bytes("max_request_size", admin.max_request_size, 1024, 16 * 1024 * 1024));
    reader.finish();
    return admin;
}

}  // namespace parley::config
