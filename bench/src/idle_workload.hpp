#pragma once
// Idle sessions: N connections log in (and subscribe to their inbox), then sit there with
// heartbeats only. The server's VmRSS is read before the first connection and after the hold,
// while every connection is still open; the difference over N is its memory per connection.
// Many connections are spread over 127.0.0.x source addresses so ephemeral ports do not run out.

#include "workload.hpp"

namespace parley::bench {

class IdleWorkload final : public Workload {
  public:
    IdleWorkload(const BenchOptions& options, PhaseSync& sync, unsigned thread);
    RunResult run() override;

  private:
    void read_server_rss(std::optional<std::uint64_t>& into) const;
};

}  // namespace parley::bench
