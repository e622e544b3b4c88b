#include "zookeeper_session.hpp"

#include <cerrno>
#include <cstring>

#include <spdlog/fmt/fmt.h>

#include <parley/error.hpp>

#include "zookeeper_log.hpp"

namespace parley::plugins::zookeeper {

ZookeeperSession::ZookeeperSession(const std::string& connect, std::chrono::milliseconds timeout,
                                   std::uint64_t generation, EventSink sink)
    : generation_(generation), sink_(std::move(sink)) {
    handle_ =
        zookeeper_init2(connect.c_str(), &ZookeeperSession::on_event,
                        static_cast<int>(timeout.count()), nullptr, this, 0, &route_client_log);
    if (handle_ == nullptr) {
        const int error = errno;
        throw Error(ErrorCode::backend_unavailable,
                    "cannot start a ZooKeeper client for '" + connect +
                        "': " + std::strerror(error));  // NOLINT(concurrency-mt-unsafe)
    }
}

ZookeeperSession::~ZookeeperSession() {
    close();
}

void ZookeeperSession::detach() {
    std::lock_guard lock(sink_mutex_);
    sink_ = nullptr;
}

void ZookeeperSession::close() {
    detach();
    std::unordered_set<PendingRequest*> dropped;
    {
        std::lock_guard lock(handle_mutex_);
        if (handle_ == nullptr) {
            return;
        }
        zookeeper_close(handle_);
        handle_ = nullptr;
        // The client's threads are gone: what is still pending was dropped, not delayed.
        std::lock_guard pending_lock(pending_mutex_);
        dropped.swap(pending_);
    }
    for (PendingRequest* request : dropped) {
        request->closed();
    }
}

void ZookeeperSession::remember(PendingRequest& request) {
    std::lock_guard lock(pending_mutex_);
    pending_.insert(&request);
}

void ZookeeperSession::answered(PendingRequest& request) {
    std::lock_guard lock(pending_mutex_);
    pending_.erase(&request);
}

bool ZookeeperSession::connected() const {
    std::lock_guard lock(handle_mutex_);
    return handle_ != nullptr && zoo_state(handle_) == ZOO_CONNECTED_STATE;
}

std::int64_t ZookeeperSession::id() const {
    std::lock_guard lock(handle_mutex_);
    const clientid_t* client = handle_ == nullptr ? nullptr : zoo_client_id(handle_);
    return client == nullptr ? 0 : client->client_id;
}

std::chrono::milliseconds ZookeeperSession::timeout() const {
    std::lock_guard lock(handle_mutex_);
    return std::chrono::milliseconds{handle_ == nullptr ? 0 : zoo_recv_timeout(handle_)};
}

void ZookeeperSession::on_event(zhandle_t*, int type, int state, const char* path, void* context) {
    auto* self = static_cast<ZookeeperSession*>(context);
    std::lock_guard lock(self->sink_mutex_);
    if (self->sink_) {
        self->sink_(self->generation_, type, state, path == nullptr ? std::string{} : path);
    }
}

std::string session_hex(std::int64_t id) {
    return fmt::format("{:#x}", static_cast<std::uint64_t>(id));
}

}  // namespace parley::plugins::zookeeper
