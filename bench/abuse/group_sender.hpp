#pragma once
// Sends GROUP MESSAGEs on one logged-in connection, either at a fixed rate or as fast as the
// node reads them (its output kept topped up, so TCP's flow control sets the pace). Shared by
// the group flood and the feeder of the slow readers.

#include <cstdint>

#include <boost/asio/steady_timer.hpp>

#include "connection.hpp"
#include "loop.hpp"

namespace parley::bench::abuse {

class GroupSender {
  public:
    /// `rate` messages per second; 0 for as fast as the node reads.
    GroupSender(Loop& loop, ProtocolAdapter& protocol, std::uint32_t group, std::uint32_t payload,
                double rate = 0);

    void start(Connection& connection);
    void stop();
    std::uint64_t sent() const noexcept { return sent_; }

  private:
    void top_up();
    void write_one();

    Loop& loop_;
    ProtocolAdapter& protocol_;
    std::uint32_t group_;
    std::uint32_t payload_;
    double rate_;
    std::uint64_t next_ns_ = 0;
    Connection* connection_ = nullptr;
    boost::asio::steady_timer timer_;
    std::uint64_t sent_ = 0;
    bool running_ = false;
};

}  // namespace parley::bench::abuse
