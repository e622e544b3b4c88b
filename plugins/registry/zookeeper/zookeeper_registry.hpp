#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <parley/registry.hpp>

#include "service_list_watch.hpp"
#include "zookeeper_connection.hpp"
#include "zookeeper_settings.hpp"

namespace parley::plugins::zookeeper {

/// A Registry kept in ZooKeeper: each announced instance is an ephemeral znode
/// <root>/services/<service>/<instance-id> holding its endpoints, load and metadata
/// (instance_record.hpp), so an instance whose process crashes leaves the list when its session
/// times out.
///
/// The registry has a thread of its own that keeps the session (a new one after expiry, with
/// the instances announced again and the watches armed again), writes load changes and calls
/// the watch callbacks. announce, instances and withdraw run on the caller's executor and wait
/// at most `connect_timeout` for a connection before failing with Error(backend_unavailable).
///
/// Thread safe. Destroy it only when none of its coroutines is suspended: the destructor closes
/// the session (the instances' znodes go at once) and joins the thread, after which no callback
/// runs.
class ZookeeperRegistry final : public Registry, private ZookeeperConnection::Listener {
  public:
    explicit ZookeeperRegistry(ZookeeperSettings settings);
    ~ZookeeperRegistry() override;
    ZookeeperRegistry(const ZookeeperRegistry&) = delete;
    ZookeeperRegistry& operator=(const ZookeeperRegistry&) = delete;

    /// Creates <root>/services/<service> (persistent) as needed and the instance's ephemeral
    /// znode. One instance per service: announcing another id for the same service replaces
    /// the first. A znode of the same id held by another session is waited for (a previous run
    /// that crashed: its session expires) for up to 1.5 session timeouts; if it is still
    /// there, the id belongs to another live process and announce fails.
    asio::awaitable<void> announce(ServiceInstance self) override;
    /// Writes the load asynchronously when it changed, at most once per `load_interval`.
    void report_load(const std::string& service, std::uint32_t load) override;
    /// Reads the instances from ZooKeeper, sorted by id.
    asio::awaitable<std::vector<ServiceInstance>> instances(std::string service) override;
    /// Calls `on_change` on the registry's thread with the full list once it is read, then
    /// whenever an instance joins, leaves or changes its load. It must not block.
    Subscription watch(std::string service,
                       std::function<void(std::vector<ServiceInstance>)> on_change) override;
    /// Deletes this registry's znodes (those this session still holds).
    asio::awaitable<void> withdraw() override;
    /// Ready while the ZooKeeper session is connected.
    asio::awaitable<void> check_ready() override;

  private:
    // ZookeeperConnection::Listener, on the registry's thread.
    void on_new_session() override;
    void on_connected() override;
    void on_watch(const std::string& path) override;

    /// The outcome of one try to create an instance's znode.
    struct Attempt {
        bool done = false;
        std::int64_t owner = 0;  ///< the other session holding the znode, if that is why not
    };

    /// Creates the instance's znode (or updates it when this session holds it already).
    asio::awaitable<void> publish(ServiceInstance self,
                                  std::chrono::steady_clock::time_point deadline);
    asio::awaitable<Attempt> try_publish(std::shared_ptr<ZookeeperSession> session,
                                         std::string service, std::string path, std::string data);
    /// After a session expired: announces every instance again, retrying until it works.
    asio::awaitable<void> republish();
    /// Creates `path` and its ancestors, persistent, as needed.
    asio::awaitable<int> create_path(std::shared_ptr<ZookeeperSession> session, std::string path);
    /// One attempt to list the instances; nothing when the connection failed underway.
    asio::awaitable<std::optional<std::vector<ServiceInstance>>> read_instances(
        std::shared_ptr<ZookeeperSession> session, std::string service);
    asio::awaitable<void> remove_own(std::string path);

    void flush_load();
    void retry_load_later();
    asio::awaitable<void> write_load(std::shared_ptr<ZookeeperSession> session,
                                     ServiceInstance self);

    std::string path_of(const std::string& service, const std::string& id) const;
    /// Throws Error(backend_unavailable) when `name` cannot name a znode.
    static void check_name(const char* what, const std::string& name);
    [[noreturn]] void fail(const std::string& what, int rc) const;

    ZookeeperSettings settings_;

    asio::io_context io_;  // first: outlives everything that posts to it
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    ZookeeperConnection connection_;

    std::mutex mutex_;  ///< guards announced_
    /// What this registry announced, by service, each with its latest load.
    std::map<std::string, ServiceInstance> announced_;

    // On the registry's thread only.
    std::map<std::string, std::unique_ptr<ServiceListWatch>> watches_;  ///< by service
    std::map<std::string, std::uint32_t> written_loads_;  ///< the load ZooKeeper holds, by service
    std::map<std::string, std::chrono::steady_clock::time_point> last_writes_;
    std::set<std::string> writing_;  ///< services whose load is being written
    bool republishing_ = false;
    asio::steady_timer load_timer_;

    std::thread thread_;  // last: started once everything above exists
};

}  // namespace parley::plugins::zookeeper
