// parley-token: makes Ed25519 key pairs and mints the signed login tokens that handler-handshake
// checks under `auth: ed25519` (docs/plugins/handler-handshake.md).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <sys/stat.h>

#include "jwt/compact_token.hpp"
#include "jwt/ed25519_keys.hpp"

namespace {

using parley::jwt::Ed25519PrivateKey;

constexpr const char* kUsage = R"(usage:
  parley-token keygen --private-key FILE
      writes a new Ed25519 private key to FILE (PEM, mode 0600) and its public key to
      FILE.pub (PEM); prints the public key as base64url, the form `public_keys:` takes
  parley-token public-key --private-key FILE
      prints the key's public half as base64url
  parley-token mint --private-key FILE --user ID [--kid KID] [--ttl DURATION]
                    [--not-before DURATION] [--audience NAME] [--id JTI]
      prints a token for user ID, valid from now (or now + --not-before) for --ttl (1h);
      durations take s, m, h, d (a bare number is seconds)
)";

struct Arguments {
    std::string command;
    std::map<std::string, std::string> options;
};

Arguments parse_arguments(int argc, char** argv) {
    if (argc < 2) {
        throw std::invalid_argument("no command");
    }
    Arguments args{argv[1], {}};
    for (int i = 2; i < argc; ++i) {
        const std::string name = argv[i];
        if (!name.starts_with("--") || i + 1 >= argc) {
            throw std::invalid_argument("expected --option VALUE, got '" + name + "'");
        }
        args.options[name.substr(2)] = argv[++i];
    }
    return args;
}

std::string take(Arguments& args, const std::string& name) {
    const auto it = args.options.find(name);
    if (it == args.options.end()) {
        throw std::invalid_argument("--" + name + " is required");
    }
    std::string value = it->second;
    args.options.erase(it);
    return value;
}

std::optional<std::string> take_optional(Arguments& args, const std::string& name) {
    if (!args.options.contains(name)) {
        return std::nullopt;
    }
    return take(args, name);
}

void refuse_leftovers(const Arguments& args) {
    if (!args.options.empty()) {
        throw std::invalid_argument("unknown option --" + args.options.begin()->first);
    }
}

std::int64_t seconds_of(const std::string& text) {
    std::size_t used = 0;
    const long long count = std::stoll(text, &used);
    const std::string unit = text.substr(used);
    const std::map<std::string, std::int64_t> units{
        {"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
    const auto it = units.find(unit);
    if (it == units.end() || count < 0) {
        throw std::invalid_argument("'" + text + "' is not a duration like 90s, 15m, 1h or 7d");
    }
    return count * it->second;
}

void write_file(const std::filesystem::path& file, const std::string& text, mode_t mode) {
    if (std::filesystem::exists(file)) {
        throw std::invalid_argument(file.string() + " exists; not overwriting a key");
    }
    std::ofstream out(file);
    out << text;
    out.close();
    if (!out || ::chmod(file.c_str(), mode) != 0) {
        throw std::runtime_error("cannot write " + file.string());
    }
}

std::string public_base64url(const Ed25519PrivateKey& key) {
    return parley::jwt::base64url_encode(key.public_key().raw());
}

int keygen(Arguments& args) {
    const std::filesystem::path file = take(args, "private-key");
    refuse_leftovers(args);
    const Ed25519PrivateKey key = Ed25519PrivateKey::generate();
    write_file(file, key.private_pem(), 0600);
    write_file(file.string() + ".pub", key.public_pem(), 0644);
    std::cout << public_base64url(key) << '\n';
    return 0;
}

int public_key(Arguments& args) {
    const auto key = Ed25519PrivateKey::from_pem_file(take(args, "private-key"));
    refuse_leftovers(args);
    std::cout << public_base64url(key) << '\n';
    return 0;
}

int mint(Arguments& args) {
    const auto key = Ed25519PrivateKey::from_pem_file(take(args, "private-key"));
    const std::string user = take(args, "user");
    if (user.empty() || user.find_first_not_of("0123456789") != std::string::npos ||
        std::stoull(user) == 0 || std::stoull(user) > 0xFFFFFFFFULL) {
        throw std::invalid_argument("--user takes a user id, 1 to 4294967295");
    }
    const std::int64_t ttl = seconds_of(take_optional(args, "ttl").value_or("1h"));
    const std::int64_t delay = seconds_of(take_optional(args, "not-before").value_or("0"));
    const auto kid = take_optional(args, "kid");
    const auto audience = take_optional(args, "audience");
    const auto id = take_optional(args, "id");
    refuse_leftovers(args);

    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    boost::json::object header{{"alg", "EdDSA"}, {"typ", "JWT"}};
    if (kid) {
        header["kid"] = *kid;
    }
    boost::json::object claims{
        {"sub", user}, {"iat", now}, {"nbf", now + delay}, {"exp", now + delay + ttl}};
    if (audience) {
        claims["aud"] = *audience;
    }
    if (id) {
        claims["jti"] = *id;
    }
    std::cout << parley::jwt::sign_compact(key, boost::json::serialize(header),
                                           boost::json::serialize(claims))
              << '\n';
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        Arguments args = parse_arguments(argc, argv);
        if (args.command == "keygen") {
            return keygen(args);
        }
        if (args.command == "public-key") {
            return public_key(args);
        }
        if (args.command == "mint") {
            return mint(args);
        }
        if (args.command == "-h" || args.command == "--help" || args.command == "help") {
            std::cout << kUsage;
            return 0;
        }
        throw std::invalid_argument("unknown command '" + args.command + "'");
    } catch (const std::exception& e) {
        std::cerr << "parley-token: " << e.what() << "\n" << kUsage;
        return 2;
    }
}
