#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace parley::test {

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
  public:
    explicit TempDir(std::string_view prefix = "parley-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    /// path() / name: where a test puts a file of its own.
    std::filesystem::path file(const std::filesystem::path& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

/// Writes `text` to `path` (creating parent directories) and returns the path; throws on failure.
std::filesystem::path write_file(const std::filesystem::path& path, std::string_view text);

/// The whole file, or "" when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace parley::test
