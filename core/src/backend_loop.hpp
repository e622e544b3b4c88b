#pragma once

#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace parley {

/// The event loop backends do their own I/O on (PluginHost::executor()): a thread of its own,
/// running from before the plugins are set up until shutdown, so a backend connects and
/// reconnects whatever the control loop is busy with (a transport's start may block it).
class BackendLoop {
  public:
    BackendLoop();
    ~BackendLoop();
    BackendLoop(const BackendLoop&) = delete;
    BackendLoop& operator=(const BackendLoop&) = delete;

    boost::asio::io_context& context() noexcept { return context_; }
    /// Stops the loop and joins its thread; nothing runs on it afterwards. Idempotent.
    void stop();

  private:
    boost::asio::io_context context_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::thread thread_;
};

}  // namespace parley
