#include "zookeeper_connection.hpp"

#include <utility>

#include <spdlog/spdlog.h>

#include <parley/error.hpp>

namespace parley::plugins::zookeeper {

namespace {

using std::chrono::steady_clock;

constexpr std::chrono::seconds kReopenDelay{1};

}  // namespace

ZookeeperConnection::ZookeeperConnection(asio::io_context& io, const ZookeeperSettings& settings,
                                         Listener& listener)
    : io_(io), settings_(settings), listener_(listener), reopen_timer_(io) {}

ZookeeperConnection::~ZookeeperConnection() {
    close();
}

void ZookeeperConnection::start() {
    open_session();
}

void ZookeeperConnection::shutdown() {
    std::shared_ptr<ZookeeperSession> session;
    {
        std::lock_guard lock(mutex_);
        shut_down_ = true;
        session = session_;
    }
    if (session) {
        session->detach();
    }
}

void ZookeeperConnection::close() {
    wake_waiters(false);
    std::vector<std::shared_ptr<ZookeeperSession>> sessions;
    {
        std::lock_guard lock(mutex_);
        shut_down_ = true;
        if (session_) {
            sessions.push_back(std::move(session_));
        }
        for (const auto& retired : std::exchange(retired_, {})) {
            if (auto session = retired.lock()) {
                sessions.push_back(std::move(session));
            }
        }
    }
    for (const auto& session : sessions) {
        session->close();
    }
}

std::shared_ptr<ZookeeperSession> ZookeeperConnection::current() const {
    std::lock_guard lock(mutex_);
    return session_;
}

void ZookeeperConnection::open_session() {
    ++generation_;
    ever_connected_ = false;
    std::shared_ptr<ZookeeperSession> fresh;
    std::string problem;
    try {
        fresh = std::make_shared<ZookeeperSession>(
            settings_.connect, settings_.session_timeout, generation_,
            [this](std::uint64_t generation, int type, int state, const std::string& path) {
                asio::post(io_, [this, generation, type, state, path] {
                    on_event(generation, type, state, path);
                });
            });
    } catch (const Error& e) {
        problem = e.what();
    }
    std::shared_ptr<ZookeeperSession> old;
    {
        std::lock_guard lock(mutex_);
        old = std::exchange(session_, fresh);
        problem_ = problem;
        std::erase_if(retired_, [](const auto& retired) { return retired.expired(); });
        if (old) {
            retired_.push_back(old);
        }
    }
    if (old) {
        old->detach();  // closed as the last holder lets go: here, or after its last request
    }
    if (!fresh) {
        spdlog::error("zookeeper registry: {}; trying again in {} s", problem,
                      kReopenDelay.count());
        reopen_timer_.expires_after(kReopenDelay);
        reopen_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec) {
                open_session();
                listener_.on_new_session();
            }
        });
    }
}

void ZookeeperConnection::on_event(std::uint64_t generation, int type, int state,
                                   const std::string& path) {
    const auto session = current();
    if (!session || session->generation() != generation) {
        return;  // from a session that was replaced since
    }
    if (type == ZOO_SESSION_EVENT) {
        on_session_state(session, state);
    } else {
        listener_.on_watch(path);
    }
}

void ZookeeperConnection::on_session_state(const std::shared_ptr<ZookeeperSession>& session,
                                           int state) {
    const std::string id = session_hex(session->id());
    if (state == ZOO_CONNECTED_STATE) {
        if (!ever_connected_) {
            spdlog::info("zookeeper registry: connected to {} (session {}, timeout {} ms)",
                         settings_.connect, id, session->timeout().count());
            if (session->timeout() != settings_.session_timeout) {
                spdlog::warn(
                    "zookeeper registry: the server granted a session timeout of {} ms instead "
                    "of {} ms (its minSessionTimeout/maxSessionTimeout)",
                    session->timeout().count(), settings_.session_timeout.count());
            }
        } else {
            spdlog::info("zookeeper registry: reconnected to {} (session {})", settings_.connect,
                         id);
        }
        ever_connected_ = true;
        wake_waiters(true);
        listener_.on_connected();
    } else if (state == ZOO_CONNECTING_STATE || state == ZOO_ASSOCIATING_STATE) {
        if (ever_connected_) {
            spdlog::warn(
                "zookeeper registry: lost the connection to {}; the client reconnects (session "
                "{} lasts {} ms without one)",
                settings_.connect, id, session->timeout().count());
        }
    } else if (state == ZOO_EXPIRED_SESSION_STATE) {
        spdlog::warn("zookeeper registry: session {} expired; opening a new one", id);
        open_session();
        listener_.on_new_session();
    } else if (state == ZOO_AUTH_FAILED_STATE) {
        spdlog::error("zookeeper registry: authentication with {} failed", settings_.connect);
    }
}

asio::awaitable<std::shared_ptr<ZookeeperSession>> ZookeeperConnection::ready(
    steady_clock::time_point deadline) {
    for (;;) {
        if (auto session = current(); session && session->connected()) {
            co_return session;
        }
        if (steady_clock::now() >= deadline || !co_await connected_by(deadline)) {
            if (auto session = current(); session && session->connected()) {
                co_return session;
            }
            std::string problem;
            {
                std::lock_guard lock(mutex_);
                problem = shut_down_ ? "the registry is shutting down" : problem_;
            }
            throw Error(ErrorCode::backend_unavailable,
                        "ZooKeeper at " + settings_.connect +
                            " is unreachable: no connection within " +
                            std::to_string(settings_.connect_timeout.count()) + " ms" +
                            (problem.empty() ? "" : " (" + problem + ")"));
        }
    }
}

asio::awaitable<bool> ZookeeperConnection::connected_by(steady_clock::time_point deadline) {
    return await_foreign<bool>([this, deadline](Completer<bool> done) {
        {
            std::lock_guard lock(mutex_);
            if (shut_down_) {
                done.set_value(false);
                return;
            }
        }
        asio::post(io_, [this, deadline, done = std::move(done)]() mutable {
            add_waiter(deadline, std::move(done));
        });
    });
}

void ZookeeperConnection::add_waiter(steady_clock::time_point deadline, Completer<bool> done) {
    if (const auto session = current(); session && session->connected()) {
        done.set_value(true);
        return;
    }
    auto waiter = std::make_shared<Waiter>(io_, std::move(done));
    waiter->timer.expires_at(deadline);
    waiter->timer.async_wait([this, waiter](boost::system::error_code) {
        if (waiter->done) {
            std::exchange(waiter->done, std::nullopt)->set_value(false);
            waiters_.remove(waiter);
        }
    });
    waiters_.push_back(std::move(waiter));
}

void ZookeeperConnection::wake_waiters(bool connected) {
    for (const auto& waiter : std::exchange(waiters_, {})) {
        if (waiter->done) {
            std::exchange(waiter->done, std::nullopt)->set_value(connected);
        }
        waiter->timer.cancel();
    }
}

}  // namespace parley::plugins::zookeeper
