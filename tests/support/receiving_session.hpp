#pragma once
// A logged-in Session that only receives: everything but send() does nothing. Test doubles
// derive from it and say what they keep of the frames sent to them.

#include <cstdint>
#include <string>
#include <vector>

#include <parley/session.hpp>

namespace parley::test {

class ReceivingSession : public Session {
  public:
    explicit ReceivingSession(UserId user) : user_(user) {}
    UserId user() const noexcept override { return user_; }
    std::uint64_t epoch() const noexcept override { return 1; }
    std::string remote_address() const override { return "?"; }
    asio::any_io_executor executor() const override { return {}; }
    void send_error(const Error&, std::uint64_t) override {}
    void close(const Error&) override {}
    void hold_sends() override {}
    void send_through_hold(Frame) override {}
    std::vector<Frame> release_held() override { return {}; }
    asio::awaitable<bool> drained() override { co_return true; }
    void complete_login(UserId) override {}

  private:
    UserId user_;
};

}  // namespace parley::test
