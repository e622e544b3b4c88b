#include "node_watch.hpp"

#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "node_record.hpp"
#include "zookeeper_calls.hpp"

namespace parley::plugins::zookeeper {

namespace {

constexpr std::chrono::milliseconds kRetryDelay{500};

}  // namespace

NodeWatch::NodeWatch(asio::io_context& io, ZookeeperConnection& connection, std::string nodes_path)
    : io_(io), connection_(connection), nodes_path_(std::move(nodes_path)), retry_timer_(io) {}

void NodeWatch::add(Callback callback) {
    asio::post(io_, [this, callback = std::make_shared<const Callback>(std::move(callback))] {
        callbacks_.push_back(callback);
        if (!started_) {
            started_ = true;
            refresh();
        } else if (delivered_) {
            (*callback)(*delivered_);
        }
    });
}

void NodeWatch::on_watch(const std::string& path) {
    if (!started_) {
        return;
    }
    if (path.starts_with(nodes_path_ + "/")) {
        // Changed, or deleted and perhaps created again: read it anew either way.
        stale_.insert(path.substr(nodes_path_.size() + 1));
    }
    refresh();
}

void NodeWatch::on_new_session() {
    if (!started_) {
        return;
    }
    // The old session's watches died with it: read everything again, arming them anew.
    for (const auto& [id, node] : nodes_) {
        stale_.insert(id);
    }
    refresh();
}

void NodeWatch::on_connected() {
    if (started_ && failed_) {
        refresh();
    }
}

void NodeWatch::refresh() {
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
                spdlog::error("zookeeper registry: watching the nodes failed: {}", error.what());
            }
        }
    });
}

asio::awaitable<void> NodeWatch::refresh_until_current() {
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

asio::awaitable<bool> NodeWatch::refresh_once() {
    const auto session = connection_.current();
    if (!session || !session->connected()) {
        co_return false;
    }
    const Reply listing = co_await get_children(session, nodes_path_, true);
    if (listing.rc == ZNONODE) {
        // No directory yet: watch for its creation instead.
        const Reply created = co_await exists(session, nodes_path_, true);
        if (created.rc == ZOK) {
            again_ = true;  // created in between: list it
            co_return true;
        }
        if (created.rc != ZNONODE) {
            co_return false;
        }
        nodes_.clear();
        co_return true;
    }
    if (listing.rc != ZOK) {
        if (!is_connection_problem(listing.rc)) {
            spdlog::warn("zookeeper registry: cannot list {}: {}", nodes_path_, zerror(listing.rc));
        }
        co_return false;
    }

    const std::set<std::string> present(listing.children.begin(), listing.children.end());
    std::erase_if(nodes_, [&present](const auto& entry) { return !present.contains(entry.first); });
    std::erase_if(stale_, [&present](const std::string& id) { return !present.contains(id); });
    for (const auto& id : present) {
        if (nodes_.contains(id) && !stale_.contains(id)) {
            continue;  // unchanged since read, and its data watch is still armed
        }
        const Reply read = co_await get_data(session, nodes_path_ + "/" + id, true);
        if (read.rc == ZNONODE) {
            nodes_.erase(id);  // gone meanwhile; the child watch has fired too
            stale_.erase(id);
            continue;
        }
        if (read.rc != ZOK) {
            co_return false;
        }
        stale_.erase(id);
        std::string problem;
        if (auto node = decode_node(id, read.data, problem)) {
            nodes_[id] = std::move(*node);
        } else {
            nodes_.erase(id);
            spdlog::warn("zookeeper registry: ignoring {}/{}: {}", nodes_path_, id, problem);
        }
    }
    co_return true;
}

std::vector<NodeInfo> NodeWatch::current_list() const {
    std::vector<NodeInfo> list;
    list.reserve(nodes_.size());
    for (const auto& [id, node] : nodes_) {
        list.push_back(node);
    }
    return list;
}

void NodeWatch::deliver() {
    auto list = current_list();
    if (delivered_ && same_nodes(*delivered_, list)) {
        return;
    }
    delivered_ = list;
    const auto callbacks = callbacks_;  // a callback may add another
    for (const auto& callback : callbacks) {
        (*callback)(list);
    }
}

}  // namespace parley::plugins::zookeeper
