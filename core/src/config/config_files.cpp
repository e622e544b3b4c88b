#include "config/config_files.hpp"

namespace parley::config {

ConfigNode load_layered(const std::vector<std::filesystem::path>& files,
                        std::string_view embedded_default, std::string embedded_name) {
    if (files.empty()) {
        return ConfigNode::parse_string(embedded_default, std::move(embedded_name));
    }
    ConfigNode merged = ConfigNode::parse_file(files.front());
    for (std::size_t i = 1; i < files.size(); ++i) {
        merged.merge(ConfigNode::parse_file(files[i]));
    }
    return merged;
}

}  // namespace parley::config
