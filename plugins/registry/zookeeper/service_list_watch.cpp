#include "service_list_watch.hpp"

#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "instance_record.hpp"
#include "zookeeper_calls.hpp"

namespace parley::plugins::zookeeper {

namespace {

constexpr std::chrono::milliseconds kRetryDelay{500};

}  // namespace

ServiceListWatch::ServiceListWatch(asio::io_context& io, ZookeeperConnection& connection,
                                   std::string service, std::string service_path)
    : io_(io),
      connection_(connection),
      service_(std::move(service)),
      path_(std::move(service_path)),
      retry_timer_(io) {}

void ServiceListWatch::add(std::shared_ptr<ServiceWatch> watch) {
    watches_.push_back(watch);
    if (!started_) {
        started_ = true;
        refresh();
    } else if (delivered_) {
        watch->call(*delivered_);
    }
}

void ServiceListWatch::on_watch(const std::string& path) {
    if (!started_) {
        return;
    }
    if (path.starts_with(path_ + "/")) {
        // Changed, or deleted and perhaps created again: read it anew either way.
        stale_.insert(path.substr(path_.size() + 1));
    } else if (path != path_ && !path_.starts_with(path + "/")) {
        return;  // another service's (an ancestor's creation concerns every service)
    }
    refresh();
}

void ServiceListWatch::on_new_session() {
    if (!started_) {
        return;
    }
    // The old session's watches died with it: read everything again, arming them anew.
    for (const auto& [id, instance] : instances_) {
        stale_.insert(id);
    }
    refresh();
}

void ServiceListWatch::on_connected() {
    if (started_ && failed_) {
        refresh();
    }
}

void ServiceListWatch::refresh() {
    if (refreshing_) {
        again_ = true;
        return;
    }
    refreshing_ = true;
    asio::co_spawn(io_, refresh_until_current(), [](const std::exception_ptr& e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& error) {
                spdlog::error("zookeeper registry: watching a service failed: {}", error.what());
            }
        }
    });
}

asio::awaitable<void> ServiceListWatch::refresh_until_current() {
    do {
        again_ = false;
        failed_ = !co_await refresh_once();
    } while (again_ && !failed_);
    refreshing_ = false;
    if (failed_) {
        retry_timer_.expires_after(kRetryDelay);
        retry_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec && failed_) {
                refresh();
            }
        });
        co_return;
    }
    deliver();
}

asio::awaitable<bool> ServiceListWatch::refresh_once() {
    const auto session = connection_.current();
    if (!session || !session->connected()) {
        co_return false;
    }
    const Reply listing = co_await get_children(session, path_, true);
    if (listing.rc == ZNONODE) {
        // No directory yet: watch for its creation instead.
        const Reply created = co_await exists(session, path_, true);
        if (created.rc == ZOK) {
            again_ = true;  // created in between: list it
            co_return true;
        }
        if (created.rc != ZNONODE) {
            co_return false;
        }
        instances_.clear();
        co_return true;
    }
    if (listing.rc != ZOK) {
        if (!is_connection_problem(listing.rc)) {
            spdlog::warn("zookeeper registry: cannot list {}: {}", path_, zerror(listing.rc));
        }
        co_return false;
    }

    const std::set<std::string> present(listing.children.begin(), listing.children.end());
    std::erase_if(instances_,
                  [&present](const auto& entry) { return !present.contains(entry.first); });
    std::erase_if(stale_, [&present](const std::string& id) { return !present.contains(id); });
    for (const auto& id : present) {
        if (instances_.contains(id) && !stale_.contains(id)) {
            continue;  // unchanged since read, and its data watch is still armed
        }
        const Reply read = co_await get_data(session, path_ + "/" + id, true);
        if (read.rc == ZNONODE) {
            instances_.erase(id);  // gone meanwhile; the child watch has fired too
            stale_.erase(id);
            continue;
        }
        if (read.rc != ZOK) {
            co_return false;
        }
        stale_.erase(id);
        std::string problem;
        if (auto instance = decode_instance(service_, id, read.data, problem)) {
            instances_[id] = std::move(*instance);
        } else {
            instances_.erase(id);
            spdlog::warn("zookeeper registry: ignoring {}/{}: {}", path_, id, problem);
        }
    }
    co_return true;
}

std::vector<ServiceInstance> ServiceListWatch::current_list() const {
    std::vector<ServiceInstance> list;
    list.reserve(instances_.size());
    for (const auto& [id, instance] : instances_) {
        list.push_back(instance);
    }
    return list;
}

void ServiceListWatch::deliver() {
    std::erase_if(watches_, [](const auto& watch) { return watch->cancelled(); });
    auto list = current_list();
    if (delivered_ && *delivered_ == list) {
        return;
    }
    delivered_ = list;
    const auto watches = watches_;  // a callback may add another
    for (const auto& watch : watches) {
        watch->call(list);
    }
}

}  // namespace parley::plugins::zookeeper
