#include "cli_options.hpp"

#include <charconv>
#include <limits>

#include <parley/config_node.hpp>

namespace parley::cli {
namespace {

const std::vector<std::string>& option_names() {
    static const std::vector<std::string> names{
        "--server",       "--config",    "--user", "--token", "--policy", "--script",  "--help",
        "--no-reconnect", "--log-level", "--ca",   "--cert",  "--key",    "--insecure"};
    return names;
}

UserId parse_user(const std::string& text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value == 0 ||
        value > std::numeric_limits<UserId>::max()) {
        throw UsageError("--user wants a user id from 1 to 4294967295, not '" + text + "'");
    }
    return static_cast<UserId>(value);
}

}  // namespace

CliOptions parse_cli_options(const std::vector<std::string>& args) {
    CliOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        std::optional<std::string> inline_value;
        if (const auto equals = name.find('='); name.starts_with("--") && equals != name.npos) {
            inline_value = name.substr(equals + 1);
            name.resize(equals);
        }
        const auto value = [&]() -> std::string {
            if (inline_value) {
                return *inline_value;
            }
            if (i + 1 >= args.size()) {
                throw UsageError(name + " needs a value");
            }
            return args[++i];
        };
        const auto flag = [&] {
            if (inline_value) {
                throw UsageError(name + " takes no value");
            }
        };

        if (name == "--server" || name == "-s") {
            options.servers.push_back(value());
        } else if (name == "--config" || name == "-c") {
            options.config = value();
        } else if (name == "--user" || name == "-u") {
            options.user = parse_user(value());
        } else if (name == "--token" || name == "-t") {
            options.token = value();
        } else if (name == "--policy" || name == "-p") {
            options.policy = value();
        } else if (name == "--log-level") {
            options.log_level = value();
        } else if (name == "--ca") {
            options.ca = value();
        } else if (name == "--cert") {
            options.certificate = value();
        } else if (name == "--key") {
            options.key = value();
        } else if (name == "--insecure") {
            flag();
            options.insecure = true;
        } else if (name == "--script") {
            flag();
            options.script = true;
        } else if (name == "--no-reconnect") {
            flag();
            options.no_reconnect = true;
        } else if (name == "--help" || name == "-h") {
            flag();
            options.help = true;
        } else {
            std::string message = "unknown option '" + name + "'";
            if (auto hint = closest_match(name, option_names()); !hint.empty()) {
                message += "; did you mean '" + hint + "'?";
            }
            throw UsageError(message);
        }
    }
    return options;
}

std::string cli_usage() {
    return R"(usage: parley-cli [--server [tls://]HOST:PORT]... [--config FILE] --user ID [options]

Connects to a Parley broker as one user and sends what you type.

  -s, --server HOST:PORT  a server to connect to, tls://HOST:PORT for TLS; repeat for
                          several (default 127.0.0.1:7400 when neither --server nor --config
                          is given)
  -c, --config FILE       client configuration YAML (servers or registry plugin, policy,
                          heartbeat and reconnect settings); --server replaces its servers
  -u, --user ID           the user to log in as (1 to 4294967295)
  -t, --token TOKEN       the login token
  -p, --policy NAME       how to pick a server: random, round-robin, least-loaded,
                          consistent-hash (default random)
      --script            machine-readable mode: one line per event on stdout, commands from
                          stdin, /sleep and /wait for determinism; implied when stdin is not
                          a terminal
      --no-reconnect      stop instead of reconnecting when the connection drops
      --log-level LEVEL   library log level on stderr: trace debug info warn error off
                          (default warn)
      --ca FILE           CA certificates (PEM) a tls:// server's certificate must chain to
                          (default: the system's)
      --cert FILE         this client's certificate (PEM) for servers that ask for one
      --key FILE          its private key (PEM; default: in the --cert file)
      --insecure          do not check the server's certificate or name: for testing only
  -h, --help              this text

Commands: /msg USER TEXT, /group GROUP TEXT, /join GROUP, /leave GROUP, /users [CURSOR],
/raw TYPE RECEIVER [HEX], /help, /quit; in scripts also /sleep MS and /wait PREFIX TIMEOUT_MS.
Exit status: 0 done, 1 a /wait timed out, 2 bad usage or script line, 3 login refused.
See docs/terminal-client.md.
)";
}

}  // namespace parley::cli
