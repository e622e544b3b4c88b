#pragma once
// Connect storm: a fixed number of slots each connect, log in (Parley handshake, NATS
// CONNECT+PING, MQTT CONNECT, Redis PING), reset the connection and start over with a new
// user, for --duration or until --connects logins. Resetting (SO_LINGER 0) keeps TIME_WAIT
// sockets from eating the ephemeral ports; the server sees a reset right after the login.

#include <boost/asio/steady_timer.hpp>

#include "workload.hpp"

namespace parley::bench {

class ConnectStormWorkload final : public Workload {
  public:
    ConnectStormWorkload(const BenchOptions& options, PhaseSync& sync, unsigned thread);
    RunResult run() override;

  private:
    void open_next(Connection& connection);
    void reopen_later(Connection& connection);
    void finish();

    void on_ready(Connection& connection) override;
    void on_refused(Connection& connection, std::string_view reason) override;
    void on_closed(Connection& connection, std::string_view reason) override;
    void count_failure(Connection& connection);

    std::uint64_t quota_ = UINT64_MAX;
    std::uint64_t started_ = 0;
    std::uint64_t finished_logins_ = 0;
    std::uint64_t failures_ = 0;
    std::size_t in_flight_ = 0;
    std::uint64_t end_ns_ = 0;
    bool stopping_ = false;
    boost::asio::steady_timer deadline_;
};

}  // namespace parley::bench
