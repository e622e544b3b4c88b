#include "rpc/rpc_server.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <parley/endpoint.hpp>

#include "parley.pb.h"
#include "rpc/reflection_service.hpp"

namespace parley::rpc {
namespace asio = boost::asio;

RpcServer::RpcServer(asio::io_context& control, const config::RpcSettings& settings,
                     ServiceTable& services, net::LoopPool& loops)
    : settings_(settings),
      rules_{settings.max_calls_per_connection, settings.default_timeout, settings.max_timeout,
             settings.max_frame_size, settings.token},
      services_(services),
      listener_(control, *settings.listen, loops,
                [this](asio::io_context& loop, net::LoopSocket socket) {
                    accept(loop, std::move(socket));
                }) {
    services_.add(make_reflection_service(services_), "parleyd");
}

RpcServer::~RpcServer() = default;

std::string RpcServer::advertised() const {
    if (!settings_.advertise.empty()) {
        return settings_.advertise;
    }
    return ServiceEndpoint{"tcp", Endpoint::from(local_endpoint()), {}}.to_string();
}

void RpcServer::start() {
    listener_.start();
}

void RpcServer::stop() {
    listener_.stop();
    std::vector<std::weak_ptr<RpcConnection>> live;
    {
        std::lock_guard lock(mutex_);
        live.swap(live_);
    }
    for (const auto& weak : live) {
        if (auto connection = weak.lock()) {
            // Each connection lives on its own loop; it is closed there.
            asio::post(connection->executor(), [connection] { connection->close(); });
        }
    }
}

void RpcServer::refuse(net::LoopSocket& socket) {
    wire::RpcResponse busy;
    busy.set_code(static_cast<std::uint32_t>(ErrorCode::server_busy));
    busy.set_msg(
        "this RPC listener has rpc.max_connections connections open; try later or "
        "another instance");
    const Frame frame = Frame::make(FrameType::rpc, kNoUser, kNoUser, busy);
    // One small write into a fresh socket's empty buffer: it does not block, and if it does
    // not go out whole the caller still sees the connection close.
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(frame.bytes().data(), frame.bytes().size()), ignored);
}

void RpcServer::accept(asio::io_context& /*loop*/, net::LoopSocket socket) {
    if (open_->load() >= settings_.max_connections) {
        spdlog::warn("rpc: refusing a connection: rpc.max_connections ({}) are open",
                     settings_.max_connections);
        refuse(socket);
        return;  // the socket closes as it goes
    }
    ++*open_;
    auto connection = std::make_shared<RpcConnection>(std::move(socket), services_, rules_,
                                                      [open = open_] { --*open; });
    {
        std::lock_guard lock(mutex_);
        std::erase_if(live_, [](const auto& weak) { return weak.expired(); });
        live_.push_back(connection);
    }
    connection->start();
}

}  // namespace parley::rpc
