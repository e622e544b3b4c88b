#include <cstdlib>
#include <system_error>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <spdlog/spdlog.h>

#include <parley/host/plugin_loader.hpp>

#include "plugin/setup_host.hpp"

namespace parley::host {
namespace fs = std::filesystem;

namespace {

std::string describe(const PluginRequest& request) {
    std::string out = request.kind + " plugin '" + request.name + "'";
    if (request.where.file) {
        out += " (named at " + request.where.to_string() + ")";
    }
    return out;
}

// Names of the plugins of `kind` present in `paths`, for "did you mean" hints.
std::vector<std::string> available_plugins(const std::string& kind,
                                           const std::vector<fs::path>& paths) {
    const std::string prefix = "parley-" + kind + "-";
    std::vector<std::string> names;
    for (const auto& dir : paths) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string file = entry.path().filename().string();
            if (file.starts_with(prefix) && file.ends_with(".so")) {
                names.push_back(file.substr(prefix.size(), file.size() - prefix.size() - 3));
            }
        }
    }
    return names;
}

}  // namespace

struct PluginLoader::Impl {
    std::vector<std::shared_ptr<boost::dll::shared_library>> libraries;
};

PluginLoader::PluginLoader(std::vector<fs::path> search_paths)
    : paths_(std::move(search_paths)), impl_(std::make_unique<Impl>()) {}

PluginLoader::~PluginLoader() = default;

std::string plugin_file_name(const std::string& kind, const std::string& name) {
    return "parley-" + kind + "-" + name + ".so";
}

fs::path PluginLoader::resolve(const PluginRequest& request) const {
    if (!request.explicit_path.empty()) {
        if (!fs::is_regular_file(request.explicit_path)) {
            throw PluginError(describe(request) + ": no plugin file at " +
                              request.explicit_path.string() + " (check its `path:`)");
        }
        return request.explicit_path;
    }
    const std::string file = plugin_file_name(request.kind, request.name);
    std::string tried;
    for (const auto& dir : paths_) {
        fs::path candidate = dir / file;
        if (fs::is_regular_file(candidate)) {
            return candidate;
        }
        tried += "\n  " + candidate.string();
    }
    std::string message = describe(request) + ": " + file + " not found; tried:" +
                          (tried.empty() ? std::string{"\n  (no search paths)"} : tried);
    const auto known = available_plugins(request.kind, paths_);
    if (auto hint = closest_match(request.name, known); !hint.empty()) {
        message += "\ndid you mean '" + hint + "'?";
    }
    message +=
        "\nAdd the plugin's directory to `plugins.paths` in the YAML or to "
        "$PARLEY_PLUGIN_PATH, or give its file with `path:`.";
    throw PluginError(message);
}

void PluginLoader::load(const PluginRequest& request, Registrations& into,
                        const HostServices& services) {
    const fs::path path = resolve(request);
    const std::string who = describe(request) + " from " + path.string();

    std::shared_ptr<boost::dll::shared_library> library;
    try {
        library =
            std::make_shared<boost::dll::shared_library>(path, boost::dll::load_mode::rtld_now);
    } catch (const std::exception& e) {
        throw PluginError(who + ": the shared object does not load: " + e.what() +
                          "\nIt must be built with the same compiler and libraries as this "
                          "parleyd.");
    }
    if (!library->has(kPluginEntrySymbol)) {
        throw PluginError(who + ": it does not export `" + std::string{kPluginEntrySymbol} +
                          "`; is it a Parley plugin? (plugins define it with PARLEY_PLUGIN)");
    }
    auto& entry = library->get_alias<PluginEntry>(kPluginEntrySymbol);
    const PluginDescriptor* descriptor = entry();
    if (descriptor == nullptr) {
        throw PluginError(who + ": its entry returned no descriptor");
    }
    // The version is read before anything else in the descriptor is trusted.
    if (descriptor->api_version != kPluginApiVersion) {
        throw PluginError(who + ": built for plugin API version " +
                          std::to_string(descriptor->api_version) + ", but this program speaks " +
                          "version " + std::to_string(kPluginApiVersion) +
                          "; rebuild the plugin against this SDK");
    }
    if (request.kind != descriptor->kind || request.name != descriptor->name) {
        throw PluginError(who + ": the file holds " + std::string{descriptor->kind} + " plugin '" +
                          descriptor->name + "'; rename it or fix the YAML");
    }

    SetupHost setup_host(request, into, services, library);
    try {
        descriptor->setup(setup_host, request.settings);
    } catch (const ConfigError&) {
        throw;
    } catch (const PluginError&) {
        throw;
    } catch (const std::exception& e) {
        throw PluginError(who + ": setup failed: " + e.what());
    }
    impl_->libraries.push_back(std::move(library));
    spdlog::debug("loaded {} plugin '{}' from {}", request.kind, request.name, path.string());
}

std::vector<fs::path> default_plugin_paths() {
    std::vector<fs::path> paths;
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, at start-up, before any thread runs.
    if (const char* env = std::getenv("PARLEY_PLUGIN_PATH"); env != nullptr && *env != '\0') {
        std::string_view rest{env};
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const auto part = rest.substr(0, colon);
            if (!part.empty()) {
                paths.emplace_back(part);
            }
            rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
        }
    }
    const fs::path exe_dir = boost::dll::program_location().parent_path();
    paths.push_back((exe_dir / ".." / "lib" / "parley" / "plugins").lexically_normal());
    return paths;
}

PluginRequest parse_plugin_request(const std::string& kind, const ConfigNode& node) {
    PluginRequest request;
    request.kind = kind;
    request.where = node.location();
    if (node.kind() == ConfigNode::Kind::scalar) {
        request.name = node.as_string();
        return request;
    }
    SettingsReader reader(node, kind + " plugin reference");
    request.name = reader.require("plugin").as_string();
    if (const ConfigNode* path = reader.find("path")) {
        request.explicit_path = path->as_string();
    }
    if (const ConfigNode* settings = reader.find("settings")) {
        request.settings = *settings;
    }
    reader.finish();
    if (request.name.empty()) {
        node.fail(kind + " plugin reference: `plugin` must name a plugin");
    }
    return request;
}

}  // namespace parley::host
