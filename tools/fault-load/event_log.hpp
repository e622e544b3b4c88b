#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "fault_event.hpp"

namespace parley::tools {

/// Appends events to a file, one line each, stamped with the wall clock in ms (the clock
/// scripts/faults.sh stamps its fault timeline with). Every line is flushed, so a log is
/// complete up to its last line whatever happens to the process. Any thread.
class EventLog {
  public:
    /// Throws std::runtime_error when the file cannot be opened.
    explicit EventLog(const std::filesystem::path& path);
    ~EventLog();
    EventLog(const EventLog&) = delete;
    EventLog& operator=(const EventLog&) = delete;

    /// Stamps `event` with now() and writes it.
    void write(FaultEvent event);

    /// Milliseconds since the epoch.
    static std::int64_t now();

  private:
    std::mutex mutex_;
    std::FILE* file_;
};

}  // namespace parley::tools
