#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <parley/registry.hpp>

#include "zookeeper_connection.hpp"

namespace parley::plugins::zookeeper {

/// Registry::watch: a copy of <root>/nodes kept current through ZooKeeper watches (a child watch
/// on the directory, a data watch on each node, armed again by every read), and the callbacks
/// told about each change.
///
/// Everything but add() runs on `io`, the registry's own thread; callbacks are called there,
/// one at a time, with no lock held, and must not block.
class NodeWatch {
  public:
    using Callback = std::function<void(std::vector<NodeInfo>)>;

    NodeWatch(asio::io_context& io, ZookeeperConnection& connection, std::string nodes_path);

    /// Any thread. Calls `callback` with the full list once it is known, then after every
    /// change (a node joins, leaves or reports another load).
    void add(Callback callback);

    // Events, from the registry's thread.
    void on_watch(const std::string& path);
    void on_new_session();
    void on_connected();

  private:
    void refresh();
    asio::awaitable<void> refresh_until_current();
    /// One pass: list the directory and read new or changed nodes. False when ZooKeeper could
    /// not be asked (the next connection, or a timer, tries again).
    asio::awaitable<bool> refresh_once();
    void deliver();
    std::vector<NodeInfo> current_list() const;

    asio::io_context& io_;
    ZookeeperConnection& connection_;
    std::string nodes_path_;

    std::vector<std::shared_ptr<const Callback>> callbacks_;
    std::map<std::string, NodeInfo> nodes_;  ///< by id: what ZooKeeper holds, as last read
    std::set<std::string> stale_;            ///< ids whose data changed since it was read
    bool started_ = false;
    bool refreshing_ = false;
    bool again_ = false;   ///< something changed during the refresh in progress
    bool failed_ = false;  ///< the last refresh failed; retry when connected
    std::optional<std::vector<NodeInfo>> delivered_;
    asio::steady_timer retry_timer_;
};

}  // namespace parley::plugins::zookeeper
