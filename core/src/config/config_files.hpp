#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include <parley/config_node.hpp>

namespace parley::config {

/// Parses `files` in order and lays each over the one before (base first, then environment
/// overlays). With no files, parses `embedded_default` instead, named `embedded_name` in errors.
ConfigNode load_layered(const std::vector<std::filesystem::path>& files,
                        std::string_view embedded_default, std::string embedded_name);

}  // namespace parley::config
