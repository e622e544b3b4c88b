#include "zookeeper_calls.hpp"

#include <parley/foreign_completion.hpp>

namespace parley::plugins::zookeeper {

namespace {

using ReplyCompleter = Completer<Reply>;

Reply reply_with(int rc) {
    Reply reply;
    reply.rc = rc;
    return reply;
}

/// One request's waiter, handed to the C client as the completion's `data`; whoever receives
/// it back owns it: the completion, or the session that closed without one.
class Request final : public PendingRequest {
  public:
    Request(ZookeeperSession& session, ReplyCompleter done)
        : session_(session), done_(std::move(done)) {}

    /// The client's answer: the request is no longer pending; its waiter resumes.
    static void answer(const void* data, Reply reply) {
        std::unique_ptr<Request> request(static_cast<Request*>(const_cast<void*>(data)));
        request->session_.answered(*request);
        request->done_.set_value(std::move(reply));
    }
    void closed() override {
        const std::unique_ptr<Request> self(this);
        done_.set_value(reply_with(ZCLOSING));
    }
    void refused(int rc) {
        const std::unique_ptr<Request> self(this);
        done_.set_value(reply_with(rc));
    }

  private:
    ZookeeperSession& session_;  ///< alive: it answers or drops its requests before it goes
    ReplyCompleter done_;
};

void on_data(int rc, const char* value, int length, const Stat* stat, const void* data) {
    Reply reply = reply_with(rc);
    if (rc == ZOK) {
        if (value != nullptr && length > 0) {
            reply.data.assign(value, static_cast<std::size_t>(length));
        }
        if (stat != nullptr) {
            reply.stat = *stat;
        }
    }
    Request::answer(data, std::move(reply));
}

void on_children(int rc, const String_vector* strings, const void* data) {
    Reply reply = reply_with(rc);
    if (rc == ZOK && strings != nullptr) {
        for (int i = 0; i < strings->count; ++i) {
            reply.children.emplace_back(strings->data[i]);  // NOLINT: the C client's array
        }
    }
    Request::answer(data, std::move(reply));
}

void on_stat(int rc, const Stat* stat, const void* data) {
    Reply reply = reply_with(rc);
    if (rc == ZOK && stat != nullptr) {
        reply.stat = *stat;
    }
    Request::answer(data, std::move(reply));
}

void on_string(int rc, const char*, const void* data) {
    Request::answer(data, reply_with(rc));
}

void on_void(int rc, const void* data) {
    Request::answer(data, reply_with(rc));
}

/// Sends a request through `send(handle, completion)`, which returns the C call's result. When
/// the client refuses it at once, no callback will come: complete here.
template <typename Send>
asio::awaitable<Reply> request(std::shared_ptr<ZookeeperSession> session, Send send) {
    return await_foreign<Reply>(
        [session = std::move(session), send = std::move(send)](ReplyCompleter done) {
            auto* raw = new Request(*session, std::move(done));
            const int rc = session->send(*raw, [&send, raw](zhandle_t* handle) {
                return send(handle, static_cast<const void*>(raw));
            });
            if (rc != ZOK) {
                raw->refused(rc);
            }
        });
}

}  // namespace

asio::awaitable<Reply> get_data(std::shared_ptr<ZookeeperSession> session, std::string path,
                                bool watch) {
    return request(std::move(session),
                   [path = std::move(path), watch](zhandle_t* handle, const void* data) {
                       return zoo_aget(handle, path.c_str(), watch ? 1 : 0, &on_data, data);
                   });
}

asio::awaitable<Reply> get_children(std::shared_ptr<ZookeeperSession> session, std::string path,
                                    bool watch) {
    return request(
        std::move(session), [path = std::move(path), watch](zhandle_t* handle, const void* data) {
            return zoo_aget_children(handle, path.c_str(), watch ? 1 : 0, &on_children, data);
        });
}

asio::awaitable<Reply> exists(std::shared_ptr<ZookeeperSession> session, std::string path,
                              bool watch) {
    return request(std::move(session),
                   [path = std::move(path), watch](zhandle_t* handle, const void* data) {
                       return zoo_aexists(handle, path.c_str(), watch ? 1 : 0, &on_stat, data);
                   });
}

asio::awaitable<Reply> create(std::shared_ptr<ZookeeperSession> session, std::string path,
                              std::string value, int flags) {
    return request(std::move(session), [path = std::move(path), value = std::move(value), flags](
                                           zhandle_t* handle, const void* data) {
        return zoo_acreate(handle, path.c_str(), value.data(), static_cast<int>(value.size()),
                           &ZOO_OPEN_ACL_UNSAFE, flags, &on_string, data);
    });
}

asio::awaitable<Reply> set_data(std::shared_ptr<ZookeeperSession> session, std::string path,
                                std::string value, int version) {
    return request(std::move(session), [path = std::move(path), value = std::move(value), version](
                                           zhandle_t* handle, const void* data) {
        return zoo_aset(handle, path.c_str(), value.data(), static_cast<int>(value.size()), version,
                        &on_stat, data);
    });
}

asio::awaitable<Reply> delete_node(std::shared_ptr<ZookeeperSession> session, std::string path,
                                   int version) {
    return request(std::move(session),
                   [path = std::move(path), version](zhandle_t* handle, const void* data) {
                       return zoo_adelete(handle, path.c_str(), version, &on_void, data);
                   });
}

bool is_connection_problem(int rc) {
    return rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT || rc == ZSESSIONEXPIRED ||
           rc == ZINVALIDSTATE || rc == ZCLOSING || rc == ZSESSIONMOVED;
}

}  // namespace parley::plugins::zookeeper
