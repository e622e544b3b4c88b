// Out-of-line destructors give each SDK interface one home for its vtable and typeinfo, in
// core, so every plugin agrees on them.
#include <algorithm>

#include <parley/handler.hpp>
#include <parley/host/plugin_loader.hpp>
#include <parley/message_log.hpp>
#include <parley/node.hpp>
#include <parley/plugin.hpp>
#include <parley/registry.hpp>
#include <parley/router.hpp>
#include <parley/session.hpp>
#include <parley/store.hpp>
#include <parley/transport.hpp>

namespace parley {

Session::~Session() = default;
Store::~Store() = default;
asio::awaitable<void> Store::check_ready() {
    co_return;
}
asio::awaitable<std::optional<std::vector<std::string>>> Store::group_nodes(
    GroupId group, std::uint32_t max_members) {
    const std::vector<UserId> members = co_await group_members(group);
    if (members.size() > max_members) {
        co_return std::nullopt;
    }
    std::vector<std::string> nodes;
    for (const UserId member : members) {
        std::optional<SessionRecord> record = co_await locate(member);
        if (record && std::find(nodes.begin(), nodes.end(), record->node_id) == nodes.end()) {
            nodes.push_back(std::move(record->node_id));
        }
    }
    co_return nodes;
}
MessageLog::~MessageLog() = default;
bool MessageLog::keeps_append_order() const noexcept {
    return false;
}
asio::awaitable<void> MessageLog::check_ready() {
    co_return;
}
TransportListener::~TransportListener() = default;
Transport::~Transport() = default;
EnvelopeHandler::~EnvelopeHandler() = default;
void Transport::adopt_route(const std::string& /*node_id*/) {}
void Transport::release_route(const std::string& /*node_id*/) {}
asio::awaitable<void> Transport::check_ready() {
    co_return;
}
bool Transport::publishes_in_order() const {
    return false;
}
Registry::~Registry() = default;
asio::awaitable<void> Registry::check_ready() {
    co_return;
}
Router::~Router() = default;
std::optional<Error> Router::refuse_group_message(GroupId /*group*/, const Session& /*sender*/) {
    return std::nullopt;
}
asio::awaitable<Delivery> Router::send_to_user_pipelined(UserId recipient, Frame frame,
                                                         std::uint64_t ref_id,
                                                         const RequestContext& /*ctx*/) {
    co_return co_await send_to_user(recipient, std::move(frame), ref_id);
}
bool Router::sends_in_order() const {
    return false;
}
Node::~Node() = default;
Handler::~Handler() = default;
bool Handler::pipelines(const Frame& /*frame*/, Node& /*node*/) const {
    return false;
}
RequestOrder::~RequestOrder() = default;
asio::awaitable<void> RequestContext::wait_turn() const {
    if (order != nullptr) {
        co_await order->wait_turn();
    }
}
Interceptor::~Interceptor() = default;
PluginHost::~PluginHost() = default;

namespace host {
PluginError::~PluginError() = default;
}  // namespace host

}  // namespace parley
