#pragma once
// A real parley::client::Client on its own io_context thread, recording its events.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <parley/client/client.hpp>
#include <parley/client/client_options.hpp>
#include <parley/client/discovery.hpp>
#include <parley/types.hpp>

#include "client/event_recorder.hpp"

namespace parley::client::test {

/// Options for tests: user `user`, quick back-off, and time-outs well inside the tests' own.
ClientOptions test_options(UserId user);

/// Owns the client and the thread running its loop. Use from the test's thread; the client's
/// request methods may be called from there (they post to the client's strand).
///
/// The destructor stops the client, waits (bounded) for it to report that, then stops the
/// loop and joins its thread.
class ClientHarness {
  public:
    /// `servers` are "host:port" endpoints for a FixedDiscovery; `policy` names the picker,
    /// seeded with a constant so a run is repeatable.
    ClientHarness(const std::vector<std::string>& servers, ClientOptions options,
                  std::string_view policy = "round-robin");
    /// Makes the Discovery for the client's loop: `make_discovery(executor)`, e.g. a registry
    /// plugin through parley::client::make_discovery.
    using DiscoveryFactory = std::function<std::shared_ptr<Discovery>(asio::any_io_executor)>;
    ClientHarness(const DiscoveryFactory& make_discovery, ClientOptions options,
                  std::string_view policy = "round-robin");
    ~ClientHarness();
    ClientHarness(const ClientHarness&) = delete;
    ClientHarness& operator=(const ClientHarness&) = delete;

    /// Starts the client and its loop thread. Call once.
    void start();
    Client& client() { return *client_; }
    EventRecorder& events() { return events_; }

  private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
        boost::asio::make_work_guard(io_);
    EventRecorder events_;
    std::shared_ptr<Client> client_;
    std::thread thread_;
};

}  // namespace parley::client::test
