#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace parley::net {

/// N event loops, one io_context per thread. Sessions are pinned to one loop for life, so their
/// state needs no locks; work for another loop is posted to it.
class LoopPool {
  public:
    /// `count` 0 means one loop per core.
    explicit LoopPool(unsigned count);
    ~LoopPool();
    LoopPool(const LoopPool&) = delete;
    LoopPool& operator=(const LoopPool&) = delete;

    std::size_t size() const noexcept { return loops_.size(); }
    boost::asio::io_context& at(std::size_t index) { return loops_[index]->context; }
    /// The next loop in round-robin order, for a new connection. Thread safe.
    boost::asio::io_context& next() noexcept;

    void start();
    /// Stops every loop; queued handlers are abandoned. Idempotent.
    void stop();
    void join();

  private:
    struct Loop {
        boost::asio::io_context context{1};  // one thread per context: Asio may skip locking
        boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
            context.get_executor()};
    };
    std::vector<std::unique_ptr<Loop>> loops_;
    std::vector<std::thread> threads_;
    std::atomic<std::size_t> next_{0};
};

}  // namespace parley::net
