#pragma once
// store-redis as one node of a cluster loads it: the built plugin, with the host's loop running
// on a thread of its own as parleyd's backend loop does.

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <parley/store.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"

namespace parley::test {

/// Settings YAML for `address`, under `prefix`, plus `extra` lines.
inline std::string redis_settings(const std::string& address, const std::string& prefix,
                                  const std::string& extra = {}) {
    return "address: \"" + address + "\"\nkey_prefix: \"" + prefix + "\"\n" + extra;
}

/// One node's store, loaded from the built plugin, with the host's loop running on its own
/// thread as parleyd's control loop does. Tests call the store from their own thread, so every
/// call crosses from the test's executor to the plugin's and back.
class RedisNode {
  public:
    RedisNode(const std::string& node_id, const std::string& yaml) {
        host.node = node_id;
        host.load("store", "redis", yaml);
        store = host.store;
        loop_ = std::thread([this] {
            host.io.run();
            loop_done_.set_value();
        });
    }
    ~RedisNode() { shut_down(); }
    RedisNode(const RedisNode&) = delete;
    RedisNode& operator=(const RedisNode&) = delete;

    /// Destroys the store without releasing anything, as a dying node does, and checks that the
    /// loop then runs out of work: a store that left a timer or a wait behind would keep it
    /// running.
    void shut_down() {
        if (!loop_.joinable()) {
            return;
        }
        store.reset();
        host.store.reset();
        work_.reset();
        auto finished = loop_done_.get_future();
        if (finished.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
            ADD_FAILURE()
                << "the plugin left work on the host's loop after its store was destroyed";
            host.io.stop();
        }
        loop_.join();
    }

    /// Stops the host's loop with whatever is outstanding still outstanding.
    void stop_loop() {
        host.io.stop();
        loop_.join();
    }

    ClaimResult claim(UserId user, std::uint64_t epoch,
                      DuplicateLoginPolicy policy = DuplicateLoginPolicy::reject) {
        return run_awaitable(store->claim(SessionRecord{user, host.node, epoch}, policy));
    }
    std::optional<SessionRecord> locate(UserId user) { return run_awaitable(store->locate(user)); }
    OnlinePage online(std::uint64_t cursor, std::uint32_t limit) {
        return run_awaitable(store->online(cursor, limit));
    }
    void release(UserId user, std::uint64_t epoch) { run_awaitable(store->release(user, epoch)); }

    PluginTestHost host;
    std::shared_ptr<Store> store;

  private:
    asio::executor_work_guard<asio::io_context::executor_type> work_{host.io.get_executor()};
    std::promise<void> loop_done_;
    std::thread loop_;
};

}  // namespace parley::test
