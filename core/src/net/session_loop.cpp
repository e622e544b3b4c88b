#include "net/session_loop.hpp"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>

#include "net/session.hpp"

namespace parley::net {

boost::asio::execution_context::id SessionLoop::id;

namespace {

// The loop this thread runs, if it is a LoopPool thread. initial-exec: a plain thread-pointer
// load, where the default model would call __tls_get_addr on every send (libparley-core is
// always loaded with the program, never dlopen'ed on its own).
[[gnu::tls_model("initial-exec")]] thread_local const SessionLoop* t_bound_loop = nullptr;

}  // namespace

SessionLoop& SessionLoop::of(boost::asio::io_context& loop) {
    return boost::asio::use_service<SessionLoop>(
        static_cast<boost::asio::execution_context&>(loop));
}

void SessionLoop::bind_to_this_thread(boost::asio::io_context& loop) {
    t_bound_loop = &of(loop);
}

bool SessionLoop::running_here() const noexcept {
    if (t_bound_loop != nullptr) {
        return t_bound_loop == this;  // a loop thread runs only its own loop
    }
    return executor_.running_in_this_thread();
}

SessionLoop::SessionLoop(boost::asio::execution_context& context)
    : service(context),
      executor_(static_cast<boost::asio::io_context&>(context).get_executor()),
      read_buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(kReadBufferSize)),
      clock_(executor_, &ClientSession::deadline_passed),
      runner_(executor_),
      flusher_(executor_) {}

void SessionLoop::close_all(const Error& reason) {
    // Collected first: closing moves each session's deadline to another queue.
    std::vector<std::shared_ptr<ClientSession>> open;
    clock_.for_each([&open](ClockEntry& entry) {
        open.push_back(ClientSession::from_clock_entry(entry).shared_from_this());
    });
    for (const auto& session : open) {
        session->close(reason);
    }
}

void SessionLoop::shed_output(std::uint64_t limit) {
    if (shedding_posted_) {
        return;
    }
    shedding_posted_ = true;
    boost::asio::post(executor_, [this, limit] {
        shedding_posted_ = false;
        shed_now(limit);
    });
}

void SessionLoop::shed_now(std::uint64_t limit) {
    if (queued_output() <= limit) {
        return;
    }
    std::vector<std::pair<std::uint64_t, std::shared_ptr<ClientSession>>> queues;
    clock_.for_each([&queues](ClockEntry& entry) {
        ClientSession& session = ClientSession::from_clock_entry(entry);
        if (session.queued_output() > 0) {
            queues.emplace_back(session.queued_output(), session.shared_from_this());
        }
    });
    std::sort(queues.begin(), queues.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [bytes, session] : queues) {
        if (queued_output() <= limit) {
            break;
        }
        session->shed_output();
    }
}

void SessionLoop::shutdown() {
    clock_.clear();
    runner_.clear();
    flusher_.clear();
}

}  // namespace parley::net
