#pragma once
// The ZooKeeper C client logs to stderr unless told otherwise. Every handle this plugin opens
// passes route_client_log instead, so the client's messages go to spdlog with the daemon's own.

namespace parley::plugins::zookeeper {

/// A log_callback_fn: logs one client message through spdlog at a level derived from the
/// client's (its errors are mostly transient connection trouble it recovers from: warn).
void route_client_log(const char* message);

/// Sets the client's own (process-wide) threshold from spdlog's: INFO when spdlog shows debug,
/// WARN otherwise. Call before opening a handle.
void set_client_log_level();

}  // namespace parley::plugins::zookeeper
