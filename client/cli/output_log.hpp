#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace parley::cli {

/// The terminal client's output: prints lines as events arrive (from the client's loop) and
/// lets the command thread wait for a line to appear, which is what makes /wait work.
/// Thread safe.
class OutputLog {
  public:
    /// Remembers at most `remembered` unmatched lines; older ones are forgotten.
    explicit OutputLog(std::ostream& out, std::size_t remembered = 10000);

    /// Prints each line of `text` and flushes; empty text prints nothing.
    void print(const std::string& text);

    /// Waits until a line starting with `prefix` has been printed since the line the previous
    /// successful wait matched, and consumes the lines up to and including it. False on
    /// timeout, or at once when closed and no such line is there.
    bool wait_for(std::string_view prefix, std::chrono::milliseconds timeout);
    /// Sleeps for `duration`, or less once closed.
    void sleep_for(std::chrono::milliseconds duration);

    /// No more lines will come (the client stopped for good): wakes every waiter.
    void close();

  private:
    /// With the lock held: drops the lines up to the first match; false when none matches.
    bool consume_through(std::string_view prefix);

    std::mutex mutex_;
    std::condition_variable changed_;
    std::ostream& out_;
    std::size_t remembered_;
    std::deque<std::string> unmatched_;  ///< printed since the last matched line
    bool closed_ = false;
};

}  // namespace parley::cli
