#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace parley::net {

/// The files a ws/wss listener serves to plain GETs (`static_files:`), so a browser page can
/// come from parleyd itself. Deliberately small: only files directly named (no listing), only
/// under the directory (no "..", no escaping symlink), only the types a web page needs.
class StaticFiles {
  public:
    struct File {
        std::string content_type;
        std::string body;
    };
    /// Larger files are not served.
    static constexpr std::uintmax_t kMaxFileSize = 8 * 1024 * 1024;

    explicit StaticFiles(std::filesystem::path root);

    /// The file a request target names ("/", "/app.js?v=2"), or nothing (404).
    std::optional<File> find(std::string_view target) const;

    /// "text/html; charset=utf-8" for ".html", ...; "" for a type not served.
    static std::string_view content_type(const std::filesystem::path& file);

  private:
    std::filesystem::path root_;  ///< canonical
};

}  // namespace parley::net
