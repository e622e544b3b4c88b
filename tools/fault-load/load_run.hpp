#pragma once

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <sys/types.h>

#include "event_log.hpp"
#include "load_options.hpp"
#include "load_user.hpp"

namespace parley::tools {

/// A whole parley-fault-load run: warm-up (every user logged in, every join acknowledged),
/// traffic until --duration passes or the stop file appears (or SIGTERM/SIGINT, or the parent
/// process exits), then the drain, then every client stops. Phases are logged.
class LoadRun {
  public:
    LoadRun(asio::io_context& io, const LoadOptions& options, EventLog& log);
    ~LoadRun();

    /// Runs to the end on the calling thread; 0, or 1 when the warm-up did not finish.
    int run();

  private:
    enum class Phase { warmup, traffic, drain, end };

    void tick();
    void enter(Phase phase);
    void phase_event(const char* name);

    asio::io_context& io_;
    const LoadOptions& options_;
    EventLog& log_;
    std::vector<std::unique_ptr<LoadUser>> users_;
    asio::steady_timer ticker_;
    asio::signal_set signals_;
    Phase phase_ = Phase::warmup;
    std::chrono::steady_clock::time_point phase_start_;
    pid_t parent_;
    int status_ = 0;
};

}  // namespace parley::tools
