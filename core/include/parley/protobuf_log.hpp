#pragma once
// Protobuf's own diagnostics (e.g. "String field ... contains invalid UTF-8 data") go to
// stderr by default, whatever the program's log level, and a peer can trigger them at will.
// For programs, not plugins: there is one handler per process.

#include <cstdint>

namespace parley {

/// Lines of protobuf's log written per second at most; the rest are counted and reported.
inline constexpr std::uint32_t kProtobufLogLinesPerSecond = 10;

/// Sends protobuf's log lines to spdlog's default logger instead of stderr: protobuf's INFO at
/// debug, WARNING and ERROR at warn (they are about data from outside, not the program's own
/// faults), FATAL at critical and never dropped. At most kProtobufLogLinesPerSecond lines a
/// second; the next line after a burst says how many were dropped. The first call installs
/// the handler, later calls do nothing; thread safe.
void route_protobuf_log_to_spdlog();

}  // namespace parley
