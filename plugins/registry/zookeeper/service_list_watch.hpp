#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <parley/registry.hpp>
#include <parley/service_watch.hpp>

#include "zookeeper_connection.hpp"

namespace parley::plugins::zookeeper {

/// The watches on one service: a copy of <root>/services/<service> kept current through
/// ZooKeeper watches (a child watch on the directory, a data watch on each instance, armed
/// again by every read), and the watchers told about each change.
///
/// Runs on `io`, the registry's own thread; watchers are called there, one at a time, with no
/// lock held, and must not block.
class ServiceListWatch {
  public:
    ServiceListWatch(asio::io_context& io, ZookeeperConnection& connection, std::string service,
                     std::string service_path);

    /// Calls `watch` with the full list once it is known, then after every change (an
    /// instance joins, leaves or reports another load), until it is cancelled.
    void add(std::shared_ptr<ServiceWatch> watch);

    // Events from the connection; each ignores paths outside this service.
    void on_watch(const std::string& path);
    void on_new_session();
    void on_connected();

  private:
    void refresh();
    asio::awaitable<void> refresh_until_current();
    /// One pass: list the directory and read new or changed instances. False when ZooKeeper
    /// could not be asked (the next connection, or a timer, tries again).
    asio::awaitable<bool> refresh_once();
    void deliver();
    std::vector<ServiceInstance> current_list() const;

    asio::io_context& io_;
    ZookeeperConnection& connection_;
    std::string service_;
    std::string path_;

    std::vector<std::shared_ptr<ServiceWatch>> watches_;
    std::map<std::string, ServiceInstance> instances_;  ///< by id, as last read
    std::set<std::string> stale_;  ///< ids whose data changed since it was read
    bool started_ = false;
    bool refreshing_ = false;
    bool again_ = false;   ///< something changed during the refresh in progress
    bool failed_ = false;  ///< the last refresh failed; retry when connected
    std::optional<std::vector<ServiceInstance>> delivered_;
    asio::steady_timer retry_timer_;
};

}  // namespace parley::plugins::zookeeper
