#pragma once

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace parley::net {

class ClientSession;

/// Sessions that queued frames during this turn of the loop, written at the end of it: a burst
/// of frames for one connection becomes one gather write, and any number of sessions cost one
/// post per turn.
///
/// Not thread safe: use it on its loop only.
class WriteFlusher {
  public:
    explicit WriteFlusher(boost::asio::io_context::executor_type executor) : executor_(executor) {}

    /// Calls session->flush() once the handlers already queued on the loop have run.
    void request(std::shared_ptr<ClientSession> session);
    /// Forgets the sessions waiting, for the loop's shutdown.
    void clear() noexcept;

  private:
    void flush_all();

    boost::asio::io_context::executor_type executor_;
    std::vector<std::shared_ptr<ClientSession>> due_;
    std::vector<std::shared_ptr<ClientSession>> flushing_;
};

}  // namespace parley::net
