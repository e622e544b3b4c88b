// What every Registry plugin must do, run against each one as parleyd loads it: registry-static,
// and registry-zookeeper against a real ZooKeeper server (support/zookeeper_server.hpp). Each
// test plays one process that announces instances and lists and watches them. Behaviour only one
// plugin has (YAML lists, session expiry, ...) is tested in that plugin's own file.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <parley/registry.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"
#include "support/zookeeper_server.hpp"

namespace parley::test {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

constexpr const char* kOtherService = "parley.admin";

/// registry-static: nothing to connect to; every change is seen at once.
struct StaticPlugin {
    static void load(PluginTestHost& host) { host.load("registry", "static"); }
};

/// registry-zookeeper on the shared server, under a root of the test's own.
struct ZookeeperPlugin {
    static void load(PluginTestHost& host) {
        const std::string root =
            unique_znode_root(::testing::UnitTest::GetInstance()->current_test_info()->name());
        host.load("registry", "zookeeper",
                  "connect: \"" + shared_zookeeper() + "\"\nroot: \"" + root +
                      "\"\nsession_timeout: 2s\nconnect_timeout: 2s\nload_interval: 50ms\n");
    }
};

/// Every list a watch reported, from whichever thread it came.
class Recorder {
  public:
    std::function<void(std::vector<ServiceInstance>)> callback() {
        return [this](std::vector<ServiceInstance> list) {
            std::lock_guard lock(mutex_);
            lists_.push_back(std::move(list));
            changed_.notify_all();
        };
    }
    bool wait_latest(const std::function<bool(const std::vector<ServiceInstance>&)>& condition,
                     milliseconds timeout = 10s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout,
                                 [&] { return !lists_.empty() && condition(lists_.back()); });
    }
    std::size_t count() {
        std::lock_guard lock(mutex_);
        return lists_.size();
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::vector<ServiceInstance>> lists_;
};

ServiceInstance instance(const std::string& service, const std::string& id,
                         std::uint32_t load = 0) {
    return ServiceInstance{service,
                           id,
                           {"tcp://127.0.0.1:7400", "tcp://[::1]:7401"},
                           load,
                           {{"version", "0.3.0"}, {"zone", "a"}}};
}

std::vector<std::string> ids(const std::vector<ServiceInstance>& list) {
    std::vector<std::string> out;
    for (const auto& item : list) {
        out.push_back(item.id);
    }
    return out;
}

bool eventually(const std::function<bool()>& condition, milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

template <typename Plugin>
class RegistryConformance : public ::testing::Test {
  protected:
    void SetUp() override {
        Plugin::load(host_);
        ASSERT_NE(host_.registry, nullptr);
    }

    Registry& registry() { return *host_.registry; }

    void announce(ServiceInstance self) { run_awaitable(registry().announce(std::move(self))); }
    std::vector<ServiceInstance> listed(const std::string& service) {
        return run_awaitable(registry().instances(service));
    }
    /// The load `service` lists for `id`, polled until it is `load`.
    bool listed_load_becomes(const std::string& service, const std::string& id,
                             std::uint32_t load) {
        return eventually([&] {
            const auto list = listed(service);
            return std::any_of(list.begin(), list.end(), [&](const ServiceInstance& item) {
                return item.id == id && item.load == load;
            });
        });
    }

    // Recorders first: a watch may call back until its Subscription goes, declared below.
    Recorder seen_;
    Recorder other_seen_;
    PluginTestHost host_;
};

using Plugins = ::testing::Types<StaticPlugin, ZookeeperPlugin>;
class PluginNames {
  public:
    template <typename T>
    static std::string GetName(int) {
        return std::is_same_v<T, StaticPlugin> ? "static" : "zookeeper";
    }
};
TYPED_TEST_SUITE(RegistryConformance, Plugins, PluginNames);

TYPED_TEST(RegistryConformance, AnAnnouncedInstanceIsListedAsAnnounced) {
    EXPECT_TRUE(this->listed(kParleyService).empty());
    this->announce(instance(kParleyService, "node-a", 3));
    const auto list = this->listed(kParleyService);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0], instance(kParleyService, "node-a", 3))
        << "service, id, endpoints with their scheme, load and metadata, all kept";
}

TYPED_TEST(RegistryConformance, AnnouncingAgainUpdatesTheInstance) {
    this->announce(instance(kParleyService, "node-a"));
    auto changed = instance(kParleyService, "node-a", 2);
    changed.endpoints = {"tcp://10.0.0.9:7500"};
    this->announce(changed);
    const auto list = this->listed(kParleyService);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].endpoints, std::vector<std::string>{"tcp://10.0.0.9:7500"});
    EXPECT_EQ(list[0].load, 2u);
}

TYPED_TEST(RegistryConformance, ServicesAreKeptApart) {
    this->announce(instance(kParleyService, "node-a"));
    this->announce(instance(kOtherService, "admin-1"));
    EXPECT_EQ(ids(this->listed(kParleyService)), std::vector<std::string>{"node-a"});
    EXPECT_EQ(ids(this->listed(kOtherService)), std::vector<std::string>{"admin-1"});
    EXPECT_EQ(this->listed(kOtherService).at(0).service, kOtherService);
    EXPECT_TRUE(this->listed("parley.none").empty());

    // Load is reported per service.
    this->registry().report_load(kOtherService, 9);
    EXPECT_TRUE(this->listed_load_becomes(kOtherService, "admin-1", 9));
    EXPECT_EQ(this->listed(kParleyService).at(0).load, 0u);
}

TYPED_TEST(RegistryConformance, ReportedLoadIsListed) {
    this->announce(instance(kParleyService, "node-a"));
    this->registry().report_load(kParleyService, 4);
    EXPECT_TRUE(this->listed_load_becomes(kParleyService, "node-a", 4));
    this->registry().report_load(kParleyService, 5);
    EXPECT_TRUE(this->listed_load_becomes(kParleyService, "node-a", 5));
    // A service this registry did not announce has nothing to update.
    this->registry().report_load(kOtherService, 1);
    EXPECT_TRUE(this->listed(kOtherService).empty());
}

TYPED_TEST(RegistryConformance, WithdrawRemovesEveryAnnouncedInstance) {
    this->announce(instance(kParleyService, "node-a"));
    this->announce(instance(kOtherService, "admin-1"));
    run_awaitable(this->registry().withdraw());
    EXPECT_TRUE(this->listed(kParleyService).empty());
    EXPECT_TRUE(this->listed(kOtherService).empty());
    this->registry().report_load(kParleyService, 3);  // withdrawn: nothing to update
    std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(this->listed(kParleyService).empty());
    run_awaitable(this->registry().withdraw());  // nothing left: does nothing
}

TYPED_TEST(RegistryConformance, AWatchSeesChangesUntilItsSubscriptionIsDropped) {
    auto subscription = this->registry().watch(kParleyService, this->seen_.callback());
    ASSERT_TRUE(this->seen_.wait_latest([](const auto& list) { return list.empty(); }));

    this->announce(instance(kParleyService, "node-a"));
    ASSERT_TRUE(this->seen_.wait_latest([](const auto& list) {
        return list.size() == 1 && list[0] == instance(kParleyService, "node-a");
    }));
    this->registry().report_load(kParleyService, 7);
    ASSERT_TRUE(this->seen_.wait_latest(
        [](const auto& list) { return list.size() == 1 && list[0].load == 7; }));
    run_awaitable(this->registry().withdraw());
    ASSERT_TRUE(this->seen_.wait_latest([](const auto& list) { return list.empty(); }));

    subscription.reset();
    const std::size_t calls = this->seen_.count();
    this->announce(instance(kParleyService, "node-b"));
    this->registry().report_load(kParleyService, 8);
    EXPECT_TRUE(this->listed_load_becomes(kParleyService, "node-b", 8));
    std::this_thread::sleep_for(300ms);  // time for a stray call to arrive
    EXPECT_EQ(this->seen_.count(), calls) << "called after its subscription was dropped";
}

TYPED_TEST(RegistryConformance, AWatchHearsOnlyItsOwnService) {
    auto parley = this->registry().watch(kParleyService, this->seen_.callback());
    auto other = this->registry().watch(kOtherService, this->other_seen_.callback());
    ASSERT_TRUE(this->seen_.wait_latest([](const auto& list) { return list.empty(); }));
    ASSERT_TRUE(this->other_seen_.wait_latest([](const auto& list) { return list.empty(); }));

    this->announce(instance(kOtherService, "admin-1"));
    ASSERT_TRUE(this->other_seen_.wait_latest(
        [](const auto& list) { return ids(list) == std::vector<std::string>{"admin-1"}; }));
    this->announce(instance(kParleyService, "node-a"));
    ASSERT_TRUE(this->seen_.wait_latest(
        [](const auto& list) { return ids(list) == std::vector<std::string>{"node-a"}; }));
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(this->seen_.count(), 2u) << "the empty list, then node-a: nothing of admin-1";
}

TYPED_TEST(RegistryConformance, ASecondWatchHearsTheCurrentListAtOnce) {
    this->announce(instance(kParleyService, "node-a"));
    auto first = this->registry().watch(kParleyService, this->seen_.callback());
    ASSERT_TRUE(this->seen_.wait_latest([](const auto& list) { return list.size() == 1; }));
    auto second = this->registry().watch(kParleyService, this->other_seen_.callback());
    EXPECT_TRUE(this->other_seen_.wait_latest(
        [](const auto& list) { return ids(list) == std::vector<std::string>{"node-a"}; }));
}

}  // namespace
}  // namespace parley::test
