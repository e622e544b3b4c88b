#pragma once

#include <chrono>
#include <string>

namespace parley::cli {

/// Lines from a file descriptor, with a timeout, so the command thread can notice that the
/// session ended while nobody types. Works on terminals, pipes and regular files alike.
/// Not thread safe: one reader.
class StdinLines {
  public:
    enum class Status { line, timeout, eof };

    explicit StdinLines(int fd = 0) : fd_(fd) {}

    /// Waits up to `timeout` for a whole line (without its "\n" or "\r\n"). The last line
    /// counts even without a newline.
    Status next(std::string& line, std::chrono::milliseconds timeout);

  private:
    bool take_line(std::string& line);

    int fd_;
    std::string buffer_;
    bool eof_ = false;
};

}  // namespace parley::cli
