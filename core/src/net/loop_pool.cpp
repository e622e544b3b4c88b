#include "net/loop_pool.hpp"

#include <string>

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "net/session_loop.hpp"

namespace parley::net {

LoopPool::LoopPool(unsigned count) {
    if (count == 0) {
        count = std::max(1U, std::thread::hardware_concurrency());
    }
    for (unsigned i = 0; i < count; ++i) {
        loops_.push_back(std::make_unique<Loop>());
    }
}

LoopPool::~LoopPool() {
    stop();
    join();
}

boost::asio::io_context& LoopPool::next() noexcept {
    return loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()]->context;
}

void LoopPool::start() {
    for (std::size_t i = 0; i < loops_.size(); ++i) {
        threads_.emplace_back([this, i] {
            const std::string name = "parley-loop-" + std::to_string(i);
            pthread_setname_np(pthread_self(), name.c_str());
            SessionLoop::bind_to_this_thread(loops_[i]->context);
            try {
                loops_[i]->context.run();
            } catch (const std::exception& e) {
                // Handlers catch their own errors; reaching here is a bug worth a loud log.
                spdlog::critical("event loop {} stopped on an exception: {}", i, e.what());
            }
        });
    }
}

void LoopPool::stop() {
    for (auto& loop : loops_) {
        loop->work.reset();
        loop->context.stop();
    }
}

void LoopPool::join() {
    for (auto& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
    threads_.clear();
}

}  // namespace parley::net
