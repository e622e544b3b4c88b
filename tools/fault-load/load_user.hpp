#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <parley/client/client.hpp>
#include <parley/client/discovery.hpp>

#include "event_log.hpp"
#include "load_options.hpp"

namespace parley::tools {

/// One simulated user: a Client from the client library, its group joins and its steady
/// sending, every event written to the log. A login the server refuses stops a Client for good,
/// so the user then starts a new one after a second, the way an application would, carrying on
/// its request ids and positions. Everything runs on the io_context's one thread.
class LoadUser {
  public:
    LoadUser(asio::io_context& io, const LoadOptions& options, UserId user,
             std::vector<GroupId> groups, std::shared_ptr<client::Discovery> discovery,
             EventLog& log);
    ~LoadUser();
    LoadUser(const LoadUser&) = delete;
    LoadUser& operator=(const LoadUser&) = delete;

    /// Logs in and joins the groups.
    void start();
    /// Every join acknowledged.
    bool ready() const { return joined_.size() == groups_.size(); }
    /// Starts sending, the first message after `delay`.
    void start_traffic(std::chrono::milliseconds delay);
    void stop_traffic();
    /// Stops the client; its unanswered requests are reported as errors.
    void stop();

  private:
    void make_client();
    client::ClientEvents events();
    void on_connected(const client::ConnectedInfo& info);
    void on_disconnected(const std::shared_ptr<client::Client>& from,
                         const client::DisconnectedInfo& info);
    void on_ack(std::uint64_t id, std::uint64_t server_msg_id);
    void on_error(const client::ServerError& error);
    void on_message(const client::ChatEvent& event);
    void join(GroupId group);
    void join_retry(GroupId group);
    void schedule_send(std::chrono::milliseconds delay);
    void send_one();
    /// The id the next request gets (the client counts every request from first_msg_id).
    std::uint64_t take_id();

    asio::io_context& io_;
    const LoadOptions& options_;
    UserId user_;
    std::vector<GroupId> groups_;
    std::shared_ptr<client::Discovery> discovery_;
    EventLog& log_;
    std::mt19937_64 rng_;
    asio::steady_timer send_timer_;
    asio::steady_timer restart_timer_;
    std::shared_ptr<client::Client> client_;
    /// Clients that stopped after a refused login; kept until the end, they may still answer.
    std::vector<std::shared_ptr<client::Client>> retired_;
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, GroupId> pending_joins_;
    std::set<GroupId> joined_;
    bool sending_ = false;
    bool stopping_ = false;
};

}  // namespace parley::tools
