#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <parley/types.hpp>

namespace parley::cli {

/// parley-cli's command line, parsed but not yet checked against a configuration file.
struct CliOptions {
    std::vector<std::string> servers;             ///< --server, repeatable
    std::optional<std::filesystem::path> config;  ///< --config
    std::optional<UserId> user;                   ///< --user
    std::optional<std::string> token;             ///< --token
    std::optional<std::string> policy;            ///< --policy
    bool script = false;                          ///< --script
    bool no_reconnect = false;                    ///< --no-reconnect
    std::string log_level = "warn";               ///< --log-level
    std::optional<std::string> ca;                ///< --ca: CA file for tls:// servers
    std::optional<std::string> certificate;       ///< --cert: client certificate (mutual TLS)
    std::optional<std::string> key;               ///< --key: its private key
    bool insecure = false;                        ///< --insecure: no certificate checks
    bool help = false;                            ///< --help
};

/// A command line parley-cli cannot use; what() says what is wrong.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Parses the arguments after the program name. Accepts "--opt value" and "--opt=value".
/// Throws UsageError.
CliOptions parse_cli_options(const std::vector<std::string>& args);

/// The --help text.
std::string cli_usage();

}  // namespace parley::cli
