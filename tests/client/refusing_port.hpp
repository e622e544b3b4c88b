#pragma once
// A loopback port where nobody listens, held so that no one else takes it meanwhile.

#include <cstdint>
#include <string>

namespace parley::client::test {

/// A TCP socket bound to 127.0.0.1 on a free port and never listening: connects to it are
/// refused. It sets SO_REUSEADDR, as parleyd does, so a daemon told to listen on this port can
/// bind it while it is held; connects then reach the daemon.
class RefusingPort {
  public:
    /// Throws std::system_error when no socket can be bound.
    RefusingPort();
    ~RefusingPort();
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    /// "127.0.0.1:PORT".
    std::string endpoint() const;

  private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace parley::client::test
