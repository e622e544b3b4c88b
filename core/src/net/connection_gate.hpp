#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <boost/asio/ip/address.hpp>

#include <parley/error.hpp>

#include "config/broker_config.hpp"

namespace parley::net {

/// Counts the node's connections, in total, per client address and before login, and says
/// whether a new one may be served (`server.max_connections`, `max_connections_per_address`,
/// `max_prelogin_connections`). One per node; touched on accept, login and close only, never per
/// message. Thread safe.
class ConnectionGate {
  public:
    explicit ConnectionGate(const config::ConnectionLimits& limits) : limits_(limits) {}

    /// The key a connection from `address` is counted under: its IP address (not the port),
    /// an IPv4-mapped IPv6 address as the IPv4 one.
    static std::uint64_t key_of(const boost::asio::ip::address& address) noexcept;

    /// Counts a new connection from `address` (a key_of()), pre-login, or answers why it may
    /// not be served: server_busy, with the limit named.
    std::optional<Error> admit(std::uint64_t address);
    /// The connection logged in, or closed before it did: one pre-login connection less.
    void handshake_ended() noexcept;
    /// The connection admitted from `address` closed.
    void release(std::uint64_t address) noexcept;

    std::size_t connections() const;
    std::size_t prelogin() const;

  private:
    const config::ConnectionLimits limits_;
    mutable std::mutex mutex_;
    std::size_t total_ = 0;
    std::size_t prelogin_ = 0;
    std::unordered_map<std::uint64_t, std::uint32_t> per_address_;
};

}  // namespace parley::net
