#include "net/write_flusher.hpp"

#include <boost/asio/post.hpp>

#include "net/session.hpp"

namespace parley::net {

void WriteFlusher::request(std::shared_ptr<ClientSession> session) {
    if (due_.empty()) {
        boost::asio::post(executor_, [this] { flush_all(); });
    }
    due_.push_back(std::move(session));
}

void WriteFlusher::flush_all() {
    // Sessions may ask again while being flushed (a write that finished at once, a close):
    // those go into due_, for the next post.
    flushing_.swap(due_);
    for (const auto& session : flushing_) {
        session->flush();
    }
    flushing_.clear();
}

void WriteFlusher::clear() noexcept {
    due_.clear();
}

}  // namespace parley::net
