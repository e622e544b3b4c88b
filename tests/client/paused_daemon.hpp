#pragma once
// A daemon that answers nothing, as a hung server would: SIGSTOP now, SIGCONT at the end.

#include "support/daemon_process.hpp"

namespace parley::client::test {

/// Stops `daemon` with SIGSTOP and waits until the kernel reports it stopped: from then on
/// it reads and answers nothing, though the kernel still completes TCP connects to it and
/// buffers what clients send. resume(), or the destructor whatever way the test ends, sends
/// SIGCONT, so the daemon can always be shut down cleanly.
///
/// Declare it after the DaemonProcess it pauses, so it is destroyed first. Only signals the
/// daemon's own pid (through DaemonProcess). Use from the test's thread.
class PausedDaemon {
  public:
    /// Throws, after sending SIGCONT, when the daemon does not stop within 5 s.
    explicit PausedDaemon(parley::test::DaemonProcess& daemon);
    ~PausedDaemon();
    PausedDaemon(const PausedDaemon&) = delete;
    PausedDaemon& operator=(const PausedDaemon&) = delete;

    /// Lets the daemon run again; idempotent.
    void resume();

  private:
    parley::test::DaemonProcess& daemon_;
    bool paused_ = true;
};

}  // namespace parley::client::test
