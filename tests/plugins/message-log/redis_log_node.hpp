#pragma once
// message-log-redis as one node of a cluster runs it, for tests against real redis-servers.

#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "plugins/message-log/message_log_test_support.hpp"
#include "plugins/plugin_test_host.hpp"

namespace parley::test {

inline std::string log_settings(const std::string& address, const std::string& prefix,
                                const std::string& extra = {}) {
    return "address: \"" + address + "\"\nkey_prefix: \"" + prefix + "\"\n" + extra;
}

/// One node's log, loaded from the built plugin, with the host's loop on its own thread as
/// parleyd's backend loop runs. Its calls may come from any thread.
class LogNode {
  public:
    explicit LogNode(const std::string& yaml) {
        host.load("message-log", "redis", yaml);
        log = host.message_log.get();
        loop_ = std::thread([this] { host.io.run(); });
    }
    ~LogNode() {
        log = nullptr;
        host.message_log.reset();
        work_.reset();
        loop_.join();
    }
    LogNode(const LogNode&) = delete;
    LogNode& operator=(const LogNode&) = delete;

    AppendResult append(Conversation conversation, UserId sender, std::uint64_t client_msg_id,
                        const std::string& text) {
        return append_text(*log, conversation, sender, client_msg_id, text);
    }
    MessagePage read(Conversation conversation, std::uint64_t after = 0) {
        return run_awaitable(log->read(conversation, after, 100));
    }

    PluginTestHost host;
    MessageLog* log = nullptr;

  private:
    asio::executor_work_guard<asio::io_context::executor_type> work_{host.io.get_executor()};
    std::thread loop_;
};

}  // namespace parley::test
