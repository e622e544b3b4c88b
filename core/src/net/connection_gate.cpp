#include "net/connection_gate.hpp"

#include <string>

namespace parley::net {

std::uint64_t ConnectionGate::key_of(const boost::asio::ip::address& address) noexcept {
    boost::asio::ip::address_v6::bytes_type bytes{};
    if (address.is_v4()) {
        bytes = boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, address.to_v4())
                    .to_bytes();
    } else {
        bytes = address.to_v6().to_bytes();
    }
    // FNV-1a over the 16 bytes: distinct addresses collide with negligible odds, and a
    // collision only makes two addresses share one limit.
    std::uint64_t hash = 14695981039346656037ULL;
    for (const std::uint8_t byte : bytes) {
        hash = (hash ^ byte) * 1099511628211ULL;
    }
    return hash;
}

std::optional<Error> ConnectionGate::admit(std::uint64_t address) {
    const std::lock_guard lock(mutex_);
    if (total_ >= limits_.max_connections) {
        return Error(ErrorCode::server_busy, "the server has " +
                                                 std::to_string(limits_.max_connections) +
                                                 " connections, its limit; try again later");
    }
    if (prelogin_ >= limits_.max_prelogin_connections) {
        return Error(ErrorCode::server_busy,
                     "too many connections are logging in; try again later");
    }
    const auto it = per_address_.find(address);
    if (it != per_address_.end() && it->second >= limits_.max_connections_per_address) {
        return Error(ErrorCode::server_busy,
                     "your address has " + std::to_string(limits_.max_connections_per_address) +
                         " connections, the limit per address");
    }
    ++per_address_[address];
    ++total_;
    ++prelogin_;
    return std::nullopt;
}

void ConnectionGate::handshake_ended() noexcept {
    const std::lock_guard lock(mutex_);
    if (prelogin_ > 0) {
        --prelogin_;
    }
}

void ConnectionGate::release(std::uint64_t address) noexcept {
    const std::lock_guard lock(mutex_);
    if (total_ > 0) {
        --total_;
    }
    const auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second == 0) {
        per_address_.erase(it);
    }
}

std::size_t ConnectionGate::connections() const {
    const std::lock_guard lock(mutex_);
    return total_;
}

std::size_t ConnectionGate::prelogin() const {
    const std::lock_guard lock(mutex_);
    return prelogin_;
}

}  // namespace parley::net
