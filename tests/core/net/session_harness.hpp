#pragma once
// ClientSessions on in-memory streams, on a loop the test runs itself (no thread, no socket):
// what the peer sends, how fast it reads and when it closes are all up to the test.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <parley.pb.h>

#include <parley/frame_decoder.hpp>

#include "dispatch/dispatcher.hpp"
#include "net/memory_stream.hpp"
#include "net/session.hpp"

namespace parley::net::testing {

class NoNode final : public Node {
  public:
    const std::string& id() const noexcept override { return id_; }
    Store& store() override { throw std::logic_error("no store in this test"); }
    Router& router() override { throw std::logic_error("no router in this test"); }
    MessageLog* message_log() noexcept override { return nullptr; }
    std::uint64_t next_message_id() noexcept override { return 1; }
    std::chrono::milliseconds heartbeat_interval() const noexcept override {
        return std::chrono::seconds(10);
    }
    Registry& registry() override { throw std::logic_error("no registry in this test"); }
    bool close_session(UserId, const Error&) override { return false; }
    std::size_t users_here() const noexcept override { return 0; }

  private:
    std::string id_ = "test";
};

class CountingEvents final : public SessionEvents {
  public:
    void on_login(const std::shared_ptr<ClientSession>&) override { ++logins; }
    void on_leaving(ClientSession&) override { ++leavings; }
    void on_closed(ClientSession&) override { ++closings; }
    void on_failed_login(ClientSession&) override { ++failed_logins; }
    std::optional<std::chrono::milliseconds> login_wait(ClientSession&) override {
        return login_wait_;
    }
    int logins = 0;
    int leavings = 0;
    int closings = 0;
    int failed_logins = 0;
    std::optional<std::chrono::milliseconds> login_wait_;  ///< what login_wait() answers
};

/// The client end of one session: what it sends, and the frames it has read.
class Peer {
  public:
    Peer(std::shared_ptr<ClientSession> session, MemoryStream& stream)
        : session_(std::move(session)), stream_(&stream) {}

    MemoryStream& stream() { return *stream_; }
    ClientSession& session() { return *session_; }

    static Frame frame(FrameType type, std::string_view body, UserId sender = kNoUser) {
        return Frame::make(type, sender, kNoUser,
                           {reinterpret_cast<const std::uint8_t*>(body.data()), body.size()});
    }
    void send(const Frame& f) { stream_->deliver(f.bytes()); }
    void send(FrameType type, std::string_view body) { send(frame(type, body)); }

    /// Reads what the session wrote since the last call, as frames.
    std::vector<Frame> read() {
        std::vector<Frame> frames;
        const std::vector<std::uint8_t> bytes = stream_->take_written();
        std::span<const std::uint8_t> rest(bytes);
        while (!rest.empty()) {
            rest = rest.subspan(decoder_.consume(rest));
            if (decoder_.failed()) {
                throw std::runtime_error("the session wrote a corrupt stream");
            }
            if (decoder_.frame_ready()) {
                frames.push_back(decoder_.take_frame());
            }
        }
        return frames;
    }

  private:
    std::shared_ptr<ClientSession> session_;
    MemoryStream* stream_;
    FrameDecoder decoder_{64 * 1024 * 1024};
};

class SessionHarness {
  public:
    explicit SessionHarness(const dispatch::Dispatcher& dispatcher, SessionLimits limits = {})
        : environment_{limits, dispatcher, node_, events} {}

    /// A new session on an in-memory stream, started.
    Peer open() {
        auto stream = std::make_unique<MemoryStream>(loop.get_executor());
        MemoryStream& peer_end = *stream;
        auto session =
            std::make_shared<ClientSession>(loop, std::move(stream), environment_, ++epochs_);
        boost::asio::post(loop, [session] { session->start(); });
        settle();
        return Peer(std::move(session), peer_end);
    }

    /// Runs what is ready to run, until nothing is.
    void settle() {
        loop.restart();
        loop.poll();
    }
    /// Runs the loop until `done()` or `limit` passes; returns done().
    bool run_until(const std::function<bool()>& done,
                   std::chrono::milliseconds limit = std::chrono::seconds(5)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        settle();
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            loop.restart();
            loop.run_one_for(std::chrono::milliseconds(5));
        }
        return done();
    }

    boost::asio::io_context loop{1};
    CountingEvents events;

  private:
    NoNode node_;
    SessionEnvironment environment_;
    std::uint64_t epochs_ = 0;
};

inline std::uint32_t goodbye_code(const Frame& frame) {
    wire::Goodbye goodbye;
    if (frame.type() != FrameType::goodbye || !frame.parse_body(goodbye)) {
        return 0;
    }
    return goodbye.code();
}

inline std::string body_text(const Frame& frame) {
    const auto body = frame.body();
    return {reinterpret_cast<const char*>(body.data()), body.size()};
}

}  // namespace parley::net::testing
