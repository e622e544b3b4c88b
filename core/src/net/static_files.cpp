#include "net/static_files.hpp"

#include <array>
#include <fstream>
#include <iterator>
#include <utility>

namespace parley::net {
namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root) {
    std::error_code ec;
    root_ = fs::canonical(root, ec);
    if (ec) {
        root_ = std::move(root);
    }
}

std::string_view StaticFiles::content_type(const fs::path& file) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".json", "application/json"},
        {".ico", "image/x-icon"},
    }};
    const std::string extension = file.extension().string();
    for (const auto& [ext, type] : kTypes) {
        if (extension == ext) {
            return type;
        }
    }
    return {};
}

std::optional<StaticFiles::File> StaticFiles::find(std::string_view target) const {
    target = target.substr(0, target.find_first_of("?#"));
    // Only plain names: no escapes to decode, no parent steps, no backslashes, no NULs.
    if (target.empty() || target.front() != '/' ||
        target.find_first_of(std::string_view{"%\\\0", 3}) != std::string_view::npos ||
        target.find("..") != std::string_view::npos) {
        return std::nullopt;
    }
    std::string relative{target.substr(1)};
    if (relative.empty()) {
        relative = "index.html";
    }
    std::error_code ec;
    const fs::path file = fs::canonical(root_ / relative, ec);
    if (ec) {
        return std::nullopt;
    }
    // A symlink may point anywhere: what it resolves to must still be under the root.
    const auto [root_end, file_at] =
        std::mismatch(root_.begin(), root_.end(), file.begin(), file.end());
    if (root_end != root_.end() || !fs::is_regular_file(file, ec) ||
        fs::file_size(file, ec) > kMaxFileSize || ec) {
        return std::nullopt;
    }
    const std::string_view type = content_type(file);
    if (type.empty()) {
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    File found{std::string{type},
               std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()}};
    return found;
}

}  // namespace parley::net
