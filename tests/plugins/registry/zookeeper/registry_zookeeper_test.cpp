// registry-zookeeper, loaded as parleyd loads it, against real ZooKeeper servers
// (support/zookeeper_server.hpp): the shared one for most tests, one of its own for a test that
// stops, restarts or empties its server. A raw ZooKeeper client looks at the znodes directly.
// What every registry does is in registry_conformance_test.cpp; this file covers ZooKeeper's
// own: the layout, several processes, held ids, outages, session expiry.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zookeeper/zookeeper.h>

#include <parley/config_node.hpp>
#include <parley/endpoint.hpp>
#include <parley/error.hpp>
#include <parley/registry.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"
#include "support/tcp_proxy.hpp"
#include "support/zookeeper_server.hpp"

namespace parley::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

struct RegistryOptions {
    std::string connect;
    std::string root;
    std::string session_timeout = "2s";
    std::string connect_timeout = "1s";
    std::string load_interval = "100ms";
};

std::string settings_yaml(const RegistryOptions& options) {
    return "connect: \"" + options.connect + "\"\nroot: \"" + options.root +
           "\"\nsession_timeout: " + options.session_timeout +
           "\nconnect_timeout: " + options.connect_timeout +
           "\nload_interval: " + options.load_interval + "\n";
}

/// One registry-zookeeper instance, as one process would load it.
struct Instance {
    explicit Instance(const RegistryOptions& options) {
        host.load("registry", "zookeeper", settings_yaml(options));
        if (!host.registry) {
            throw std::runtime_error("the plugin set no registry");
        }
    }
    Registry& registry() { return *host.registry; }

    PluginTestHost host;
};

std::vector<std::string> ids(const std::vector<ServiceInstance>& nodes) {
    std::vector<std::string> out;
    for (const auto& node : nodes) {
        out.push_back(node.id);
    }
    return out;
}

const ServiceInstance* find_node(const std::vector<ServiceInstance>& nodes, const std::string& id) {
    const auto it = std::find_if(nodes.begin(), nodes.end(),
                                 [&id](const ServiceInstance& node) { return node.id == id; });
    return it == nodes.end() ? nullptr : &*it;
}

ServiceInstance parley_node(const std::string& id, const std::string& endpoint,
                            std::uint32_t load = 0) {
    return ServiceInstance{kParleyService, id, {endpoint}, load, {}};
}

void announce(Registry& registry, const std::string& id, const std::string& endpoint,
              std::uint32_t load = 0) {
    ServiceInstance self = parley_node(id, endpoint, load);
    run_awaitable(registry.announce(std::move(self)));
}

/// The Error an awaitable throws; fails the test when it returns.
template <typename T>
std::optional<Error> error_of(asio::awaitable<T> awaitable) {
    try {
        run_awaitable(std::move(awaitable));
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no parley::Error";
    return std::nullopt;
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, milliseconds timeout = 10s) {
    const auto deadline = steady_clock::now() + timeout;
    while (!condition()) {
        if (steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

/// Every list a watch callback received, from whichever thread it came. Declare it before the
/// Subscription of the watch it records.
class WatchRecorder {
  public:
    std::function<void(std::vector<ServiceInstance>)> callback() {
        return [this](std::vector<ServiceInstance> nodes) {
            std::lock_guard lock(mutex_);
            lists_.push_back(std::move(nodes));
            changed_.notify_all();
        };
    }

    /// Waits until the latest list satisfies `condition`.
    bool wait_latest(const std::function<bool(const std::vector<ServiceInstance>&)>& condition,
                     milliseconds timeout = 10s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout,
                                 [&] { return !lists_.empty() && condition(lists_.back()); });
    }
    bool wait_ids(const std::vector<std::string>& expected, milliseconds timeout = 10s) {
        return wait_latest([&](const auto& nodes) { return ids(nodes) == expected; }, timeout);
    }
    std::size_t count() {
        std::lock_guard lock(mutex_);
        return lists_.size();
    }
    std::string describe() {
        std::lock_guard lock(mutex_);
        std::string out;
        for (const auto& list : lists_) {
            out += "[";
            for (const auto& node : list) {
                out += " " + node.id + "(" + std::to_string(node.load) + ")";
            }
            out += " ]\n";
        }
        return out;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::vector<ServiceInstance>> lists_;
};

/// A plain ZooKeeper client of the test's own, to look at and plant znodes.
class ZnodeInspector {
  public:
    explicit ZnodeInspector(const std::string& connect) {
        handle_ = zookeeper_init2(connect.c_str(), nullptr, 10000, nullptr, nullptr, 0,
                                  [](const char*) {});
        if (handle_ == nullptr ||
            !eventually([this] { return zoo_state(handle_) == ZOO_CONNECTED_STATE; })) {
            throw std::runtime_error("the inspector cannot connect to " + connect);
        }
    }
    ~ZnodeInspector() { zookeeper_close(handle_); }
    ZnodeInspector(const ZnodeInspector&) = delete;
    ZnodeInspector& operator=(const ZnodeInspector&) = delete;

    /// The znode's data and stat, or nothing when it does not exist.
    std::optional<std::pair<std::string, Stat>> get(const std::string& path) {
        std::string buffer(4096, '\0');
        int length = static_cast<int>(buffer.size());
        Stat stat{};
        const int rc = zoo_get(handle_, path.c_str(), 0, buffer.data(), &length, &stat);
        if (rc == ZNONODE) {
            return std::nullopt;
        }
        if (rc != ZOK) {
            throw std::runtime_error("zoo_get " + path + ": " + zerror(rc));
        }
        buffer.resize(static_cast<std::size_t>(std::max(length, 0)));
        return std::make_pair(buffer, stat);
    }

    /// Creates `path` and its parents, all persistent.
    void create_persistent(const std::string& path) {
        for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
            const std::string part = path.substr(0, slash);
            const int rc =
                zoo_create(handle_, part.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
            if (rc != ZOK && rc != ZNODEEXISTS) {
                throw std::runtime_error("zoo_create " + part + ": " + zerror(rc));
            }
            if (slash == std::string::npos) {
                return;
            }
        }
    }

  private:
    zhandle_t* handle_ = nullptr;
};

class ZookeeperRegistryTest : public ::testing::Test {
  protected:
    /// Options for the shared server under a root of this test's own.
    static RegistryOptions shared_options() {
        RegistryOptions options;
        options.connect = shared_zookeeper();
        options.root =
            unique_znode_root(::testing::UnitTest::GetInstance()->current_test_info()->name());
        return options;
    }
};

TEST_F(ZookeeperRegistryTest, AnInstanceIsAnEphemeralZnodeUnderItsService) {
    const auto options = shared_options();
    Instance node(options);
    ServiceInstance self{kParleyService,
                         "node-a",
                         {"tcp://127.0.0.1:7400", "tcp://[::1]:7401"},
                         3,
                         {{"version", "0.3.0"}}};
    run_awaitable(node.registry().announce(std::move(self)));

    // The documented layout and format, as any ZooKeeper client sees it.
    ZnodeInspector inspector(options.connect);
    const auto znode = inspector.get(options.root + "/services/parley.im/node-a");
    ASSERT_TRUE(znode);
    EXPECT_EQ(
        znode->first,
        "load=3\nendpoint=tcp://127.0.0.1:7400\nendpoint=tcp://[::1]:7401\nmeta.version=0.3.0\n");
    EXPECT_NE(znode->second.ephemeralOwner, 0) << "ephemeral";
    ASSERT_TRUE(inspector.get(options.root + "/services/parley.im"));
    EXPECT_EQ(inspector.get(options.root + "/services/parley.im")->second.ephemeralOwner, 0)
        << "persistent";
    run_awaitable(node.registry().withdraw());
    EXPECT_FALSE(inspector.get(options.root + "/services/parley.im/node-a"));
}

TEST_F(ZookeeperRegistryTest, ProcessesSeeEachOtherAndAClosedSessionLeavesAtOnce) {
    const auto options = shared_options();
    WatchRecorder seen;
    Instance watcher(options);  // as a client would: it never announces
    auto watcher_watch = watcher.registry().watch(kParleyService, seen.callback());
    ASSERT_TRUE(seen.wait_ids({})) << seen.describe();

    auto a = std::make_unique<Instance>(options);
    Instance b(options);
    announce(a->registry(), "node-a", "tcp://127.0.0.1:7400");
    announce(b.registry(), "node-b", "tcp://127.0.0.1:7401", 4);
    ASSERT_TRUE(seen.wait_ids({"node-a", "node-b"})) << seen.describe();
    for (auto* instance : {a.get(), &b}) {
        const auto nodes = run_awaitable(instance->registry().instances(kParleyService));
        EXPECT_THAT(ids(nodes), ElementsAre("node-a", "node-b"));
        ASSERT_NE(find_node(nodes, "node-b"), nullptr);
        EXPECT_EQ(find_node(nodes, "node-b")->load, 4u);
    }
    a->registry().report_load(kParleyService, 7);
    ASSERT_TRUE(seen.wait_latest([](const auto& nodes) {
        const ServiceInstance* node = find_node(nodes, "node-a");
        return nodes.size() == 2 && node != nullptr && node->load == 7;
    })) << seen.describe();

    // Destroying an instance closes its session: its ephemeral znode goes at once.
    a.reset();
    ASSERT_TRUE(seen.wait_ids({"node-b"}, 3s)) << seen.describe();
}

TEST_F(ZookeeperRegistryTest, LoadIsWrittenOnlyWhenItChangesAndAtMostOncePerInterval) {
    auto options = shared_options();
    options.load_interval = "500ms";
    Instance node(options);
    announce(node.registry(), "node-a", "tcp://127.0.0.1:7400", 0);
    ZnodeInspector inspector(options.connect);
    const std::string path = options.root + "/services/parley.im/node-a";
    ASSERT_EQ(inspector.get(path)->second.version, 0);

    node.registry().report_load(kParleyService, 0);  // the announced load: nothing to write
    std::this_thread::sleep_for(700ms);
    EXPECT_EQ(inspector.get(path)->second.version, 0);

    // The first change is written at once...
    node.registry().report_load(kParleyService, 1);
    ASSERT_TRUE(eventually([&] { return inspector.get(path)->first.starts_with("load=1\n"); }));
    const Stat first_write = inspector.get(path)->second;
    EXPECT_EQ(first_write.version, 1);
    // ...the next ones wait for the interval and go in one write, the latest load.
    for (std::uint32_t load = 2; load <= 50; ++load) {
        node.registry().report_load(kParleyService, load);
    }
    ASSERT_TRUE(eventually([&] { return inspector.get(path)->first.starts_with("load=50\n"); }))
        << inspector.get(path)->first;
    const Stat second_write = inspector.get(path)->second;
    EXPECT_EQ(second_write.version, 2);
    EXPECT_GE(second_write.mtime - first_write.mtime, 450) << "ms apart, by the server's clock";

    node.registry().report_load(kParleyService, 50);
    std::this_thread::sleep_for(700ms);
    EXPECT_EQ(inspector.get(path)->second.version, 2) << "no writes without a change";
    EXPECT_EQ(run_awaitable(node.registry().instances(kParleyService)).at(0).load, 50u);
}

TEST_F(ZookeeperRegistryTest, ANodeIdHeldByAnotherLiveSessionIsRefused) {
    auto options = shared_options();
    options.session_timeout = "1s";
    Instance first(options);
    Instance second(options);
    announce(first.registry(), "twin", "tcp://127.0.0.1:7400");

    const auto start = steady_clock::now();
    ServiceInstance self = parley_node("twin", "tcp://127.0.0.1:7500");
    const auto error = error_of(second.registry().announce(std::move(self)));
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ErrorCode::backend_unavailable);
    EXPECT_THAT(error->what(),
                HasSubstr("id 'twin' of service parley.im is already announced in ZooKeeper at " +
                          options.connect));
    EXPECT_THAT(error->what(), HasSubstr("still alive; is another process running with this id?"));
    // It waited for the holder's session to expire (1.5 session timeouts), no longer.
    const auto waited = steady_clock::now() - start;
    EXPECT_GE(waited, 1400ms);
    EXPECT_LT(waited, 4s);

    // The first announcement stands.
    const auto nodes = run_awaitable(second.registry().instances(kParleyService));
    ASSERT_EQ(nodes.size(), 1u);
    EXPECT_THAT(nodes[0].endpoints, ElementsAre("tcp://127.0.0.1:7400"));
    // The refused instance's withdraw leaves the other's znode alone.
    run_awaitable(second.registry().withdraw());
    EXPECT_THAT(ids(run_awaitable(first.registry().instances(kParleyService))),
                ElementsAre("twin"));
}

TEST_F(ZookeeperRegistryTest, APersistentZnodeInTheWayIsRefused) {
    const auto options = shared_options();
    ZnodeInspector inspector(options.connect);
    inspector.create_persistent(options.root + "/services/parley.im/planted");
    Instance node(options);
    ServiceInstance self = parley_node("planted", "tcp://127.0.0.1:7400");
    const auto error = error_of(node.registry().announce(std::move(self)));
    ASSERT_TRUE(error);
    EXPECT_THAT(error->what(), HasSubstr("exists but is not ephemeral"));
}

TEST_F(ZookeeperRegistryTest, ANodeIdThatCannotNameAZnodeIsRefused) {
    Instance node(shared_options());
    for (const std::string& bad : std::vector<std::string>{"a/b", "", "..", "a\nb"}) {
        ServiceInstance self = parley_node(bad, "tcp://127.0.0.1:7400");
        const auto error = error_of(node.registry().announce(std::move(self)));
        ASSERT_TRUE(error) << bad;
        EXPECT_THAT(error->what(), HasSubstr("cannot name a ZooKeeper znode")) << bad;
    }
}

TEST_F(ZookeeperRegistryTest, AnUnreachableServerFailsWithinTheConnectTimeout) {
    RegistryOptions options;
    options.connect = "127.0.0.1:" + std::to_string(free_loopback_port());
    options.root = "/parley";
    options.connect_timeout = "700ms";
    Instance node(options);
    for (int call = 0; call < 2; ++call) {
        const auto start = steady_clock::now();
        const auto error = call == 0 ? error_of(node.registry().instances(kParleyService)) : [&] {
            ServiceInstance self = parley_node("node-a", "tcp://127.0.0.1:7400");
            return error_of(node.registry().announce(std::move(self)));
        }();
        const auto elapsed = steady_clock::now() - start;
        ASSERT_TRUE(error);
        EXPECT_EQ(error->code(), ErrorCode::backend_unavailable);
        EXPECT_THAT(error->what(), HasSubstr("ZooKeeper at " + options.connect +
                                             " is unreachable: no connection within 700 ms"));
        EXPECT_GE(elapsed, 650ms);
        EXPECT_LT(elapsed, 2s);
    }
    run_awaitable(node.registry().withdraw());  // never announced: nothing to do
}

TEST_F(ZookeeperRegistryTest, AStoppedServerFailsCallsAndARestartedOneServesAgain) {
    ZooKeeperServer server;
    RegistryOptions options;
    options.connect = server.connect_string();
    options.root = "/parley";
    options.session_timeout = "10s";  // outlives the outage: the session resumes
    WatchRecorder seen;
    Instance node(options);
    announce(node.registry(), "node-a", "tcp://127.0.0.1:7400");
    auto node_watch = node.registry().watch(kParleyService, seen.callback());
    ASSERT_TRUE(seen.wait_ids({"node-a"})) << seen.describe();
    run_awaitable(node.registry().check_ready());

    server.stop();
    ASSERT_TRUE(eventually([&] {
        const auto not_ready = error_of(node.registry().check_ready());
        return not_ready && not_ready->code() == ErrorCode::backend_unavailable;
    })) << "check_ready still says ready with the server stopped";
    const auto start = steady_clock::now();
    const auto error = error_of(node.registry().instances(kParleyService));
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ErrorCode::backend_unavailable);
    EXPECT_THAT(error->what(), HasSubstr(server.connect_string()));
    EXPECT_LT(steady_clock::now() - start, 3s);
    Instance newcomer(options);
    ServiceInstance self = parley_node("node-b", "tcp://127.0.0.1:7401");
    const auto refused = error_of(newcomer.registry().announce(std::move(self)));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code(), ErrorCode::backend_unavailable);
    node.registry().report_load(kParleyService, 5);  // while down: written once it is back

    server.start();
    ASSERT_TRUE(eventually([&] {
        try {
            const auto nodes = run_awaitable(node.registry().instances(kParleyService));
            return nodes.size() == 1 && nodes[0].load == 5;
        } catch (const Error&) {
            return false;
        }
    })) << "the node, still announced in its resumed session, with the load reported meanwhile";
    run_awaitable(node.registry().check_ready());
    // The newcomer never had a session: its client reconnects on the ZooKeeper library's own
    // schedule, and on a busy machine its first call after the restart may still find no
    // connection within connect_timeout (backend_unavailable, as documented). It must succeed
    // once connected; a single try made this test fail now and then under load.
    ASSERT_TRUE(eventually([&] {
        try {
            announce(newcomer.registry(), "node-b", "tcp://127.0.0.1:7401");
            return true;
        } catch (const Error& unavailable) {
            EXPECT_EQ(unavailable.code(), ErrorCode::backend_unavailable) << unavailable.what();
            return false;
        }
    })) << "the newcomer announces itself once the server is back";
    EXPECT_TRUE(seen.wait_ids({"node-a", "node-b"})) << "watches survive " << seen.describe();
}

TEST_F(ZookeeperRegistryTest, AfterSessionExpiryTheNodeIsAnnouncedAgain) {
    const auto options = shared_options();
    // The node reaches the server through a proxy that the test cuts, as a broken network
    // would; the watcher reaches it directly.
    TcpProxy network(parse_endpoint(options.connect).port);
    auto node_options = options;
    node_options.connect = network.endpoint();
    node_options.session_timeout = "1s";
    Instance node(node_options);
    announce(node.registry(), "node-a", "tcp://127.0.0.1:7400", 2);
    WatchRecorder seen;
    Instance watcher(options);
    auto watcher_watch = watcher.registry().watch(kParleyService, seen.callback());
    ASSERT_TRUE(seen.wait_ids({"node-a"})) << seen.describe();

    // Cut off for longer than its session timeout: the server expires the session and deletes
    // its ephemeral znode...
    network.cut();
    ASSERT_TRUE(seen.wait_ids({}, 5s)) << seen.describe();
    // ...and when the node reaches the server again, it hears that its session expired, opens
    // a new one and announces itself again.
    network.restore();
    ASSERT_TRUE(seen.wait_ids({"node-a"})) << seen.describe();
    ZnodeInspector inspector(options.connect);
    const auto znode = inspector.get(options.root + "/services/parley.im/node-a");
    ASSERT_TRUE(znode);
    EXPECT_EQ(znode->first, "load=2\nendpoint=tcp://127.0.0.1:7400\n");

    // Load reports go on in the new session.
    node.registry().report_load(kParleyService, 8);
    EXPECT_TRUE(seen.wait_latest([](const auto& nodes) {
        return nodes.size() == 1 && nodes[0].id == "node-a" && nodes[0].load == 8;
    })) << seen.describe();
    run_awaitable(node.registry().withdraw());
    EXPECT_TRUE(seen.wait_ids({})) << seen.describe();
}

TEST_F(ZookeeperRegistryTest, AWatcherWhoseSessionExpiredWatchesAgain) {
    const auto options = shared_options();
    TcpProxy network(parse_endpoint(options.connect).port);
    auto watcher_options = options;
    watcher_options.connect = network.endpoint();
    watcher_options.session_timeout = "1s";
    WatchRecorder seen;
    Instance watcher(watcher_options);
    auto watcher_watch = watcher.registry().watch(kParleyService, seen.callback());
    ASSERT_TRUE(seen.wait_ids({})) << seen.describe();

    network.cut();
    std::this_thread::sleep_for(2500ms);  // the watcher's session expires meanwhile
    Instance node(options);
    announce(node.registry(), "node-a", "tcp://127.0.0.1:7400");
    network.restore();
    ASSERT_TRUE(seen.wait_ids({"node-a"})) << seen.describe();
    node.registry().report_load(kParleyService, 3);
    EXPECT_TRUE(seen.wait_latest([](const auto& nodes) {
        return nodes.size() == 1 && nodes[0].load == 3;
    })) << "the new session's data watch "
        << seen.describe();
}

/// The ConfigError loading `yaml` throws; fails the test when it loads.
std::string config_error(const std::string& yaml) {
    PluginTestHost host;
    try {
        host.load("registry", "zookeeper", yaml);
    } catch (const ConfigError& e) {
        return e.what();
    }
    ADD_FAILURE() << "loaded:\n" << yaml;
    return {};
}

TEST(ZookeeperRegistrySettings, MistakesAreConfigErrors) {
    EXPECT_THAT(config_error("root: /parley\n"), HasSubstr("required key 'connect' is missing"));
    EXPECT_THAT(config_error("connect: localhost\n"),
                HasSubstr("bad ZooKeeper connect string 'localhost': bad server 'localhost'"));
    EXPECT_THAT(config_error("connect: \"h:1,\"\n"), HasSubstr("bad server ''"));
    EXPECT_THAT(config_error("connect: \"h:1/app/\"\n"), HasSubstr("bad chroot '/app/'"));
    EXPECT_THAT(config_error("connect: \"h:1\"\nroot: parley\n"),
                HasSubstr("test.yaml:2:7: bad root 'parley': a znode path starts with '/'"));
    EXPECT_THAT(config_error("connect: \"h:1\"\nroot: /a//b\n"), HasSubstr("no empty parts"));
    EXPECT_THAT(config_error("connect: \"h:1\"\nsession_timeout: 10ms\n"),
                HasSubstr("session_timeout must lie between 100 ms and 3600000 ms"));
    EXPECT_THAT(config_error("connect: \"h:1\"\nconnect_timeout: 0s\n"),
                HasSubstr("connect_timeout must lie between"));
    EXPECT_THAT(config_error("connect: \"h:1\"\nload_interval: soon\n"), HasSubstr("test.yaml:2"));
    EXPECT_THAT(config_error("connect: \"h:1\"\nsesion_timeout: 1s\n"),
                HasSubstr("unknown key 'sesion_timeout' in registry-zookeeper settings; did you "
                          "mean 'session_timeout'?"));
}

TEST(ZookeeperRegistrySettings, DefaultsAndAChrootLoad) {
    PluginTestHost host;
    host.load("registry", "zookeeper", "connect: \"127.0.0.1:2181,[::1]:2182/apps\"\n");
    EXPECT_NE(host.registry, nullptr);
}

}  // namespace
}  // namespace parley::test
