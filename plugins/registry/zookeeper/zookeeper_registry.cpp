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

#include "node_record.hpp"
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
      nodes_path_(settings_.nodes_path()),
      work_(asio::make_work_guard(io_)),
      connection_(io_, settings_, *this),
      watch_(io_, connection_, nodes_path_),
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
        self_.reset();  // nothing to announce again
    }
    connection_.shutdown();
    work_.reset();
    io_.stop();
    thread_.join();
    connection_.close();  // the session ends: this node's znode goes at once
}

std::string ZookeeperRegistry::path_of(const std::string& id) const {
    return nodes_path_ + "/" + id;
}

void ZookeeperRegistry::fail(const std::string& what, int rc) const {
    throw Error(ErrorCode::backend_unavailable,
                "ZooKeeper at " + settings_.connect + ": " + what + ": " + zerror(rc));
}

asio::awaitable<void> ZookeeperRegistry::announce(NodeInfo self) {
    if (const std::string problem = node_id_problem(self.id); !problem.empty()) {
        throw Error(ErrorCode::backend_unavailable,
                    "node id '" + self.id + "' cannot name a ZooKeeper znode: " + problem);
    }
    {
        std::lock_guard lock(mutex_);
        self_ = self;
    }
    try {
        const auto deadline = steady_clock::now() + settings_.connect_timeout;
        co_await publish(self, deadline);
    } catch (...) {
        std::lock_guard lock(mutex_);
        if (self_ && self_->id == self.id) {
            self_.reset();
        }
        throw;
    }
    spdlog::info("zookeeper registry: announced {} at {} ({})", self.id, path_of(self.id),
                 joined(self.endpoints));
    asio::post(io_, [this, load = self.load] {
        written_load_ = load;
        last_write_ = steady_clock::now();
        flush_load();  // a report made while announcing
    });
}

asio::awaitable<int> ZookeeperRegistry::create_parents(std::shared_ptr<ZookeeperSession> session) {
    for (std::size_t slash = nodes_path_.find('/', 1);; slash = nodes_path_.find('/', slash + 1)) {
        std::string parent = nodes_path_.substr(0, slash);
        const Reply made = co_await create(session, std::move(parent), std::string{}, 0);
        if (made.rc != ZOK && made.rc != ZNODEEXISTS) {
            co_return made.rc;
        }
        if (slash == std::string::npos) {
            co_return ZOK;
        }
    }
}

asio::awaitable<ZookeeperRegistry::Attempt> ZookeeperRegistry::try_publish(
    std::shared_ptr<ZookeeperSession> session, std::string path, std::string data) {
    if (const int rc = co_await create_parents(session); rc != ZOK) {
        if (is_connection_problem(rc)) {
            co_return Attempt{};
        }
        fail("cannot create " + nodes_path_, rc);
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
                        " exists but is not ephemeral, so it is not a live node's; delete it or "
                        "choose another node id");
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

asio::awaitable<void> ZookeeperRegistry::publish(NodeInfo self, steady_clock::time_point deadline) {
    const std::string path = path_of(self.id);
    const std::string data = encode_node(self);
    std::optional<steady_clock::time_point> held_until;  // waiting for another session's znode
    for (bool first = true;; first = false) {
        if (!first) {
            co_await pause(held_until ? kHeldPoll : kRetryPause);
        }
        const auto session = co_await connection_.ready(deadline);
        const Attempt attempt = co_await try_publish(session, path, data);
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
                        "node id '" + self.id + "' is already announced in ZooKeeper at " +
                            settings_.connect + ": " + path + " belongs to session " +
                            session_hex(attempt.owner) +
                            ", which is still alive; is another node running with this id?");
        }
    }
}

asio::awaitable<void> ZookeeperRegistry::republish() {
    for (;;) {
        std::optional<NodeInfo> self;
        {
            std::lock_guard lock(mutex_);
            self = self_;
        }
        if (!self) {
            break;
        }
        try {
            const auto deadline = steady_clock::now() + settings_.connect_timeout;
            co_await publish(*self, deadline);
            written_load_ = self->load;
            last_write_ = steady_clock::now();
            spdlog::info("zookeeper registry: announced {} again in the new session", self->id);
            bool withdrawn = false;
            {
                std::lock_guard lock(mutex_);
                withdrawn = !self_ || self_->id != self->id;
            }
            if (withdrawn) {
                std::string path = path_of(self->id);
                co_await remove_own(std::move(path));
            }
            break;
        } catch (const Error& e) {
            spdlog::warn("zookeeper registry: announcing {} again failed ({}); retrying in {} ms",
                         self->id, e.what(), kRepublishRetry.count());
        }
        co_await pause(kRepublishRetry);
    }
    republishing_ = false;
    flush_load();
}

void ZookeeperRegistry::report_load(std::uint32_t load) {
    {
        std::lock_guard lock(mutex_);
        if (!self_ || self_->load == load) {
            return;
        }
        self_->load = load;
    }
    asio::post(io_, [this] { flush_load(); });
}

void ZookeeperRegistry::flush_load() {
    if (writing_ || republishing_) {
        return;  // each flushes again when done
    }
    std::optional<NodeInfo> self;
    {
        std::lock_guard lock(mutex_);
        self = self_;
    }
    if (!self || !written_load_ || *written_load_ == self->load) {
        return;  // nothing announced, or nothing new
    }
    const auto now = steady_clock::now();
    if (const auto due = last_write_ + settings_.load_interval; now < due) {
        load_timer_.expires_at(due);
        load_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec) {
                flush_load();
            }
        });
        return;
    }
    auto session = connection_.current();
    if (!session || !session->connected()) {
        retry_load_later();
        return;
    }
    writing_ = true;
    last_write_ = now;
    asio::co_spawn(io_, write_load(std::move(session), std::move(*self)),
                   logging_failure("zookeeper registry: writing the load failed"));
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
                                                    NodeInfo self) {
    const Reply written = co_await set_data(session, path_of(self.id), encode_node(self), -1);
    writing_ = false;
    if (written.rc == ZOK || written.rc == ZNONODE) {
        // ZNONODE: withdrawn or expired meanwhile; announcing again writes the current load.
        written_load_ = self.load;
        flush_load();
        co_return;
    }
    if (!is_connection_problem(written.rc)) {
        spdlog::warn("zookeeper registry: writing the load of {} failed: {}", self.id,
                     zerror(written.rc));
    }
    retry_load_later();
}

asio::awaitable<std::vector<NodeInfo>> ZookeeperRegistry::nodes() {
    const auto deadline = steady_clock::now() + settings_.connect_timeout;
    for (bool first = true;; first = false) {
        if (!first) {
            co_await pause(kRetryPause);
        }
        const auto session = co_await connection_.ready(deadline);
        if (auto list = co_await read_nodes(session)) {
            co_return std::move(*list);
        }
    }
}

asio::awaitable<std::optional<std::vector<NodeInfo>>> ZookeeperRegistry::read_nodes(
    std::shared_ptr<ZookeeperSession> session) {
    const Reply listing = co_await get_children(session, nodes_path_, false);
    if (listing.rc == ZNONODE) {
        co_return std::vector<NodeInfo>{};
    }
    if (is_connection_problem(listing.rc)) {
        co_return std::nullopt;
    }
    if (listing.rc != ZOK) {
        fail("cannot list " + nodes_path_, listing.rc);
    }
    std::vector<std::string> ids = listing.children;
    std::sort(ids.begin(), ids.end());
    std::vector<NodeInfo> list;
    for (const auto& id : ids) {
        const Reply read = co_await get_data(session, path_of(id), false);
        if (read.rc == ZNONODE) {
            continue;  // left meanwhile
        }
        if (is_connection_problem(read.rc)) {
            co_return std::nullopt;
        }
        if (read.rc != ZOK) {
            fail("cannot read " + path_of(id), read.rc);
        }
        std::string problem;
        if (auto node = decode_node(id, read.data, problem)) {
            list.push_back(std::move(*node));
        } else {
            spdlog::warn("zookeeper registry: ignoring {}: {}", path_of(id), problem);
        }
    }
    co_return list;
}

void ZookeeperRegistry::watch(std::function<void(std::vector<NodeInfo>)> on_change) {
    watch_.add(std::move(on_change));
}

asio::awaitable<void> ZookeeperRegistry::withdraw() {
    std::optional<NodeInfo> self;
    {
        std::lock_guard lock(mutex_);
        self = std::exchange(self_, std::nullopt);
    }
    if (!self) {
        co_return;
    }
    asio::post(io_, [this] {
        load_timer_.cancel();
        written_load_.reset();
    });
    std::string path = path_of(self->id);
    co_await remove_own(std::move(path));
    spdlog::info("zookeeper registry: withdrew {}", self->id);
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
    written_load_.reset();
    watch_.on_new_session();
    bool announced = false;
    {
        std::lock_guard lock(mutex_);
        announced = self_.has_value();
    }
    if (announced && !republishing_) {
        republishing_ = true;
        asio::co_spawn(io_, republish(),
                       logging_failure("zookeeper registry: announcing again failed"));
    }
}

void ZookeeperRegistry::on_connected() {
    watch_.on_connected();
    flush_load();
}

void ZookeeperRegistry::on_watch(const std::string& path) {
    watch_.on_watch(path);
}

}  // namespace parley::plugins::zookeeper
