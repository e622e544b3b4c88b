#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <parley/registry.hpp>

#include "node_watch.hpp"
#include "zookeeper_connection.hpp"
#include "zookeeper_settings.hpp"

namespace parley::plugins::zookeeper {

/// A Registry kept in ZooKeeper: each announced node is an ephemeral znode
/// <root>/nodes/<node-id> holding its endpoints and load (node_record.hpp), so a node that
/// crashes leaves the list when its session times out.
///
/// The registry has a thread of its own that keeps the session (a new one after expiry, with
/// the node announced again and the watches armed again), writes load changes and calls the
/// watch callbacks. announce, nodes and withdraw run on the caller's executor and wait at most
/// `connect_timeout` for a connection before failing with Error(backend_unavailable).
///
/// Thread safe. Destroy it only when none of its coroutines is suspended: the destructor closes
/// the session (the node's znode goes at once) and joins the thread, after which no callback
/// runs.
class ZookeeperRegistry final : public Registry, private ZookeeperConnection::Listener {
  public:
    explicit ZookeeperRegistry(ZookeeperSettings settings);
    ~ZookeeperRegistry() override;
    ZookeeperRegistry(const ZookeeperRegistry&) = delete;
    ZookeeperRegistry& operator=(const ZookeeperRegistry&) = delete;

    /// Creates <root>/nodes (persistent) as needed and this node's ephemeral znode. A znode of
    /// the same id held by another session is waited for (a previous run of this node that
    /// crashed: its session expires) for up to 1.5 session timeouts; if it is still there, the
    /// id belongs to another live process and announce fails.
    asio::awaitable<void> announce(NodeInfo self) override;
    /// Writes the load asynchronously when it changed, at most once per `load_interval`.
    void report_load(std::uint32_t load) override;
    /// Reads the list from ZooKeeper, sorted by id.
    asio::awaitable<std::vector<NodeInfo>> nodes() override;
    /// Calls `on_change` on the registry's thread with the full list once it is read, then
    /// whenever a node joins, leaves or changes its load. It must not block.
    void watch(std::function<void(std::vector<NodeInfo>)> on_change) override;
    /// Deletes this node's znode (if this session still holds it).
    asio::awaitable<void> withdraw() override;

  private:
    // ZookeeperConnection::Listener, on the registry's thread.
    void on_new_session() override;
    void on_connected() override;
    void on_watch(const std::string& path) override;

    /// The outcome of one try to create this node's znode.
    struct Attempt {
        bool done = false;
        std::int64_t owner = 0;  ///< the other session holding the znode, if that is why not
    };

    /// Creates this node's znode (or updates it when this session holds it already).
    asio::awaitable<void> publish(NodeInfo self, std::chrono::steady_clock::time_point deadline);
    asio::awaitable<Attempt> try_publish(std::shared_ptr<ZookeeperSession> session,
                                         std::string path, std::string data);
    /// After a session expired: announces the node again, retrying until it works.
    asio::awaitable<void> republish();
    asio::awaitable<int> create_parents(std::shared_ptr<ZookeeperSession> session);
    /// One attempt to list the nodes; nothing when the connection failed underway.
    asio::awaitable<std::optional<std::vector<NodeInfo>>> read_nodes(
        std::shared_ptr<ZookeeperSession> session);
    asio::awaitable<void> remove_own(std::string path);

    void flush_load();
    void retry_load_later();
    asio::awaitable<void> write_load(std::shared_ptr<ZookeeperSession> session, NodeInfo self);

    std::string path_of(const std::string& id) const;
    [[noreturn]] void fail(const std::string& what, int rc) const;

    ZookeeperSettings settings_;
    std::string nodes_path_;

    asio::io_context io_;  // first: outlives everything that posts to it
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    ZookeeperConnection connection_;
    NodeWatch watch_;

    std::mutex mutex_;              ///< guards self_
    std::optional<NodeInfo> self_;  ///< what this node announced, with its latest load

    // On the registry's thread only.
    std::optional<std::uint32_t> written_load_;  ///< the load ZooKeeper holds for this node
    std::chrono::steady_clock::time_point last_write_{};
    bool writing_ = false;
    bool republishing_ = false;
    asio::steady_timer load_timer_;

    std::thread thread_;  // last: started once everything above exists
};

}  // namespace parley::plugins::zookeeper
