#pragma once
// ZooKeeper requests as awaitables. Each sends one request on a session and resumes the caller
// on its own executor with the server's answer, whichever client thread delivered it. The
// client answers every request it accepted exactly once: with the result, with ZCONNECTIONLOSS
// when the connection drops first, or with ZCLOSING when the session is closed.

#include <memory>
#include <string>
#include <vector>

#include <parley/asio.hpp>

#include "zookeeper_session.hpp"

namespace parley::plugins::zookeeper {

struct Reply {
    int rc = ZOK;  ///< ZOK, ZNONODE, ZNODEEXISTS, ZCONNECTIONLOSS...
    std::string data;
    std::vector<std::string> children;
    Stat stat{};
};

/// `watch`: arm a watch on the path, delivered to the session's events.
asio::awaitable<Reply> get_data(std::shared_ptr<ZookeeperSession> session, std::string path,
                                bool watch);
asio::awaitable<Reply> get_children(std::shared_ptr<ZookeeperSession> session, std::string path,
                                    bool watch);
/// ZOK with the stat, or ZNONODE; with `watch`, a watch for its creation, change or deletion.
asio::awaitable<Reply> exists(std::shared_ptr<ZookeeperSession> session, std::string path,
                              bool watch);
/// `flags`: 0 (persistent) or ZOO_EPHEMERAL. Open ACL.
asio::awaitable<Reply> create(std::shared_ptr<ZookeeperSession> session, std::string path,
                              std::string data, int flags);
/// `version` -1 matches any.
asio::awaitable<Reply> set_data(std::shared_ptr<ZookeeperSession> session, std::string path,
                                std::string data, int version);
asio::awaitable<Reply> delete_node(std::shared_ptr<ZookeeperSession> session, std::string path,
                                   int version);

/// True for codes that say the request may succeed once the session is connected again.
bool is_connection_problem(int rc);

}  // namespace parley::plugins::zookeeper
