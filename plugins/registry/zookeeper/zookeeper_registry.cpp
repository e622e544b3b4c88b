#include "zookeeper_registry.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <parley/error.hpp>
#include <parley/log_failure.hpp>

#include "instance_record.hpp"
#include "zookeeper_calls.hpp"

namespace parley::plugins::zookeeper {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

/// After a lost connection, before asking again: the client needs a moment to notice.
constexpr milliseconds kRetryPause{50};
/// How often announce looks whether a znode held by another session is gone.
constexpr milliseconds kHeldPoll{100};
/// The least time between two attempts to write the load or to announce again.
constexpr milliseconds kMinRetry{100};
constexpr milliseconds kRepublishRetry{1000};

asio::awaitable<void> pause(milliseconds delay) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(delay);
    co_await timer.async_wait(asio::use_awaitable);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

}  // namespace

ZookeeperRegistry::ZookeeperRegistry(ZookeeperSettings settings)
    : settings_(std::move(settings)),
      work_(asio::make_work_guard(io_)),
      connection_(io_, settings_, *this),
      load_timer_(io_) {
    connection_.start();
    thread_ = std::thread([this] {
        for (;;) {
            try {
                io_.run();
                return;
            } catch (const std::exception& e) {
                spdlog::error("zookeeper registry: unexpected failure: {}", e.what());
            }
        }
    });
    pthread_setname_np(thread_.native_handle(), "parley-zk");
}

ZookeeperRegistry::~ZookeeperRegistry() {
    {
        std::lock_guard lock(mutex_);
        announced_.clear();  // nothing to announce again
    }
    connection_.shutdown();
    work_.reset();
    io_.stop();
    thread_.join();
    connection_.close();  // the session ends: the instances' znodes go at once
}

std::string ZookeeperRegistry::path_of(const std::string& service, const std::string& id) const {
    return settings_.service_path(service) + "/" + id;
}

void ZookeeperRegistry::check_name(const char* what, const std::string& name) {
    if (const std::string problem = znode_name_problem(name); !problem.empty()) {
        throw Error(
            ErrorCode::backend_unavailable,
            std::string(what) + " '" + name + "' cannot name a ZooKeeper znode: " + problem);
    }
}

void ZookeeperRegistry::fail(const std::string& what, int rc) const {
    throw Error(ErrorCode::backend_unavailable,
                "ZooKeeper at " + settings_.connect + ": " + what + ": " + zerror(rc));
}

asio::awaitable<void> ZookeeperRegistry::announce(ServiceInstance self) {
    check_name("service", self.service);
    check_name("instance id", self.id);
    std::optional<ServiceInstance> replaced;
    {
        std::lock_guard lock(mutex_);
        auto& slot = announced_[self.service];
        if (!slot.id.empty() && slot.id != self.id) {
            replaced = slot;
        }
        slot = self;
    }
    try {
        const auto deadline = steady_clock::now() + settings_.connect_timeout;
        co_await publish(self, deadline);
    } catch (...) {
        std::lock_guard lock(mutex_);
        if (auto it = announced_.find(self.service);
            it != announced_.end() && it->second.id == self.id) {
            announced_.erase(it);
        }
        throw;
    }
    spdlog::info("zookeeper registry: announced {} at {} ({})", self.id,
                 path_of(self.service, self.id), joined(self.endpoints));
    if (replaced) {
        std::string path = path_of(replaced->service, replaced->id);
        co_await remove_own(std::move(path));
    }
    asio::post(io_, [this, service = self.service, load = self.load] {
        written_loads_[service] = load;
        last_writes_[service] = steady_clock::now();
        flush_load();  // a report made while announcing
    });
}

asio::awaitable<int> ZookeeperRegistry::create_path(std::shared_ptr<ZookeeperSession> session,
                                                    std::string path) {
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        std::string part = path.substr(0, slash);
        const Reply made = co_await create(session, std::move(part), std::string{}, 0);
        if (made.rc != ZOK && made.rc != ZNODEEXISTS) {
            co_return made.rc;
        }
        if (slash == std::string::npos) {
            co_return ZOK;
        }
    }
}

asio::awaitable<ZookeeperRegistry::Attempt> ZookeeperRegistry::try_publish(
    std::shared_ptr<ZookeeperSession> session, std::string service, std::string path,
    std::string data) {
    const std::string parent = settings_.service_path(service);
    if (const int rc = co_await create_path(session, parent); rc != ZOK) {
        if (is_connection_problem(rc)) {
            co_return Attempt{};
        }
        fail("cannot create " + parent, rc);
    }
    const Reply made = co_await create(session, path, data, ZOO_EPHEMERAL);
    if (made.rc == ZOK) {
        co_return Attempt{true};
    }
    if (is_connection_problem(made.rc)) {
        co_return Attempt{};
    }
    if (made.rc != ZNODEEXISTS) {
        fail("cannot create " + path, made.rc);
    }

    const Reply held = co_await exists(session, path, false);
    if (held.rc == ZNONODE || is_connection_problem(held.rc)) {
        co_return Attempt{};
    }
    if (held.rc != ZOK) {
        fail("cannot read " + path, held.rc);
    }
    const std::int64_t owner = held.stat.ephemeralOwner;
    if (owner == 0) {
        throw Error(ErrorCode::backend_unavailable,
                    "ZooKeeper at " + settings_.connect + ": " + path +
                        " exists but is not ephemeral, so it is not a live instance's; delete it "
                        "or choose another id");
    }
    if (owner != session->id()) {
        co_return Attempt{false, owner};
    }
    // Ours already (a request answered after a lost connection, or announce again).
    const Reply updated = co_await set_data(session, path, data, -1);
    if (updated.rc == ZOK) {
        co_return Attempt{true};
    }
    if (updated.rc != ZNONODE && !is_connection_problem(updated.rc)) {
        fail("cannot write " + path, updated.rc);
    }
    co_return Attempt{};
}

asio::awaitable<void> ZookeeperRegistry::publish(ServiceInstance self,
                                                 steady_clock::time_point deadline) {
    const std::string path = path_of(self.service, self.id);
    const std::string data = encode_instance(self);
    std::optional<steady_clock::time_point> held_until;  // waiting for another session's znode
    for (bool first = true;; first = false) {
        if (!first) {
            co_await pause(held_until ? kHeldPoll : kRetryPause);
        }
        const auto session = co_await connection_.ready(deadline);
        const Attempt attempt = co_await try_publish(session, self.service, path, data);
        if (attempt.done) {
            co_return;
        }
        if (attempt.owner == 0) {
            continue;  // the connection failed underway
        }
        const auto now = steady_clock::now();
        if (!held_until) {
            const milliseconds timeout = std::max(settings_.session_timeout, session->timeout());
            held_until = now + timeout + timeout / 2;
            deadline = *held_until + settings_.connect_timeout;
            spdlog::info(
                "zookeeper registry: {} is held by session {}, perhaps a previous run of this "
                "node; waiting up to {} ms for it to expire",
                path, session_hex(attempt.owner), (timeout + timeout / 2).count());
        } else if (now >= *held_until) {
            throw Error(ErrorCode::backend_unavailable,
                        "id '" + self.id + "' of service " + self.service +
                            " is already announced in ZooKeeper at " + settings_.connect + ": " +
                            path + " belongs to session " + session_hex(attempt.owner) +
                            ", which is still alive; is another process running with this id?");
        }
    }
}

asio::awaitable<void> ZookeeperRegistry::republish() {
    for (;;) {
        std::map<std::string, ServiceInstance> announced;
        {
            std::lock_guard lock(mutex_);
            announced = announced_;
        }
        if (announced.empty()) {
            break;
        }
        try {
            for (const auto& [service, self] : announced) {
                const auto deadline = steady_clock::now() + settings_.connect_timeout;
                co_await publish(self, deadline);
                written_loads_[service] = self.load;
                last_writes_[service] = steady_clock::now();
                spdlog::info("zookeeper registry: announced {} of {} again in the new session",
                             self.id, service);
                bool withdrawn = false;
                {
                    std::lock_guard lock(mutex_);
                    const auto it = announced_.find(service);
                    withdrawn = it == announced_.end() || it->second.id != self.id;
                }
                if (withdrawn) {
                    std::string path = path_of(service, self.id);
                    co_await remove_own(std::move(path));
                }
            }
            break;
        } catch (const Error& e) {
            spdlog::warn("zookeeper registry: announcing again failed ({}); retrying in {} ms",
                         e.what(), kRepublishRetry.count());
        }
        co_await pause(kRepublishRetry);
    }
    republishing_ = false;
    flush_load();
}

void ZookeeperRegistry::report_load(const std::string& service, std::uint32_t load) {
    {
        std::lock_guard lock(mutex_);
        const auto it = announced_.find(service);
        if (it == announced_.end() || it->second.load == load) {
            return;
        }
        it->second.load = load;
    }
    asio::post(io_, [this] { flush_load(); });
}

void ZookeeperRegistry::flush_load() {
    if (republishing_) {
        return;  // it flushes again when done
    }
    std::map<std::string, ServiceInstance> announced;
    {
        std::lock_guard lock(mutex_);
        announced = announced_;
    }
    const auto now = steady_clock::now();
    std::optional<steady_clock::time_point> next_due;
    for (auto& [service, self] : announced) {
        const auto written = written_loads_.find(service);
        if (writing_.contains(service) || written == written_loads_.end() ||
            written->second == self.load) {
            continue;  // being written (it flushes again when done), not announced, or no news
        }
        if (const auto due = last_writes_[service] + settings_.load_interval; now < due) {
            next_due = std::min(next_due.value_or(due), due);
            continue;
        }
        auto session = connection_.current();
        if (!session || !session->connected()) {
            retry_load_later();
            return;
        }
        writing_.insert(service);
        last_writes_[service] = now;
        asio::co_spawn(io_, write_load(std::move(session), std::move(self)),
                       logging_failure("zookeeper registry: writing the load failed"));
    }
    if (next_due) {
        load_timer_.expires_at(*next_due);
        load_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec) {
                flush_load();
            }
        });
    }
}

void ZookeeperRegistry::retry_load_later() {
    load_timer_.expires_after(std::max(settings_.load_interval, kMinRetry));
    load_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) {
            flush_load();
        }
    });
}

asio::awaitable<void> ZookeeperRegistry::write_load(std::shared_ptr<ZookeeperSession> session,
                                                    ServiceInstance self) {
    const Reply written =
        co_await set_data(session, path_of(self.service, self.id), encode_instance(self), -1);
    writing_.erase(self.service);
    if (written.rc == ZOK || written.rc == ZNONODE) {
        // ZNONODE: withdrawn or expired meanwhile; announcing again writes the current load.
        if (written_loads_.contains(self.service)) {
            written_loads_[self.service] = self.load;
        }
        flush_load();
        co_return;
    }
    if (!is_connection_problem(written.rc)) {
        spdlog::warn("zookeeper registry: writing the load of {} failed: {}", self.id,
                     zerror(written.rc));
    }
    retry_load_later();
}

asio::awaitable<std::vector<ServiceInstance>> ZookeeperRegistry::instances(std::string service) {
    check_name("service", service);
    const auto deadline = steady_clock::now() + settings_.connect_timeout;
    for (bool first = true;; first = false) {
        if (!first) {
            co_await pause(kRetryPause);
        }
        const auto session = co_await connection_.ready(deadline);
        if (auto list = co_await read_instances(session, service)) {
            co_return std::move(*list);
        }
    }
}

asio::awaitable<std::optional<std::vector<ServiceInstance>>> ZookeeperRegistry::read_instances(
    std::shared_ptr<ZookeeperSession> session, std::string service) {
    const std::string directory = settings_.service_path(service);
    const Reply listing = co_await get_children(session, directory, false);
    if (listing.rc == ZNONODE) {
        co_return std::vector<ServiceInstance>{};
    }
    if (is_connection_problem(listing.rc)) {
        co_return std::nullopt;
    }
    if (listing.rc != ZOK) {
        fail("cannot list " + directory, listing.rc);
    }
    std::vector<std::string> ids = listing.children;
    std::sort(ids.begin(), ids.end());
    std::vector<ServiceInstance> list;
    for (const auto& id : ids) {
        const std::string path = path_of(service, id);
        const Reply read = co_await get_data(session, path, false);
        if (read.rc == ZNONODE) {
            continue;  // left meanwhile
        }
        if (is_connection_problem(read.rc)) {
            co_return std::nullopt;
        }
        if (read.rc != ZOK) {
            fail("cannot read " + path, read.rc);
        }
        std::string problem;
        if (auto instance = decode_instance(service, id, read.data, problem)) {
            list.push_back(std::move(*instance));
        } else {
            spdlog::warn("zookeeper registry: ignoring {}: {}", path, problem);
        }
    }
    co_return list;
}

Subscription ZookeeperRegistry::watch(std::string service,
                                      std::function<void(std::vector<ServiceInstance>)> on_change) {
    check_name("service", service);
    auto watch = std::make_shared<ServiceWatch>(service, std::move(on_change));
    asio::post(io_, [this, watch] {
        auto& list = watches_[watch->service()];
        if (!list) {
            list = std::make_unique<ServiceListWatch>(io_, connection_, watch->service(),
                                                      settings_.service_path(watch->service()));
        }
        list->add(watch);
    });
    return ServiceWatch::subscription(watch);
}

asio::awaitable<void> ZookeeperRegistry::withdraw() {
    std::map<std::string, ServiceInstance> announced;
    {
        std::lock_guard lock(mutex_);
        announced = std::exchange(announced_, {});
    }
    if (announced.empty()) {
        co_return;
    }
    asio::post(io_, [this] {
        load_timer_.cancel();
        written_loads_.clear();
    });
    for (const auto& [service, self] : announced) {
        std::string path = path_of(service, self.id);
        co_await remove_own(std::move(path));
        spdlog::info("zookeeper registry: withdrew {} of {}", self.id, service);
    }
}

asio::awaitable<void> ZookeeperRegistry::remove_own(std::string path) {
    const auto deadline = steady_clock::now() + settings_.connect_timeout;
    for (bool first = true;; first = false) {
        if (!first) {
            co_await pause(kRetryPause);
        }
        const auto session = co_await connection_.ready(deadline);
        const Reply held = co_await exists(session, path, false);
        if (held.rc == ZNONODE) {
            co_return;
        }
        if (is_connection_problem(held.rc)) {
            continue;
        }
        if (held.rc != ZOK) {
            fail("cannot read " + path, held.rc);
        }
        if (held.stat.ephemeralOwner != session->id()) {
            co_return;  // not this session's: leave it to its owner
        }
        const Reply removed = co_await delete_node(session, path, held.stat.version);
        if (removed.rc == ZOK || removed.rc == ZNONODE) {
            co_return;
        }
        if (removed.rc != ZBADVERSION && !is_connection_problem(removed.rc)) {
            fail("cannot delete " + path, removed.rc);
        }
    }
}

void ZookeeperRegistry::on_new_session() {
    written_loads_.clear();
    for (auto& [service, list] : watches_) {
        list->on_new_session();
    }
    bool announced = false;
    {
        std::lock_guard lock(mutex_);
        announced = !announced_.empty();
    }
    if (announced && !republishing_) {
        republishing_ = true;
        asio::co_spawn(io_, republish(),
                       logging_failure("zookeeper registry: announcing again failed"));
    }
}

asio::awaitable<void> ZookeeperRegistry::check_ready() {
    const auto session = connection_.current();
    if (!session || !session->connected()) {
        throw Error(ErrorCode::backend_unavailable,
                    "ZooKeeper at " + settings_.connect + ": not connected");
    }
    co_return;
}

void ZookeeperRegistry::on_connected() {
    for (auto& [service, list] : watches_) {
        list->on_connected();
    }
    flush_load();
}

void ZookeeperRegistry::on_watch(const std::string& path) {
    for (auto& [service, list] : watches_) {
        list->on_watch(path);
    }
}

}  // namespace parley::plugins::zookeeper
