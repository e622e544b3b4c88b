#pragma once

#include <cassert>

#include <parley/node.hpp>

namespace parley::cluster {

/// The Node plugins are given at setup, before the real one can be built (it needs the
/// backends the plugins register): every call goes to the node bound once it exists. Plugins
/// call it only once they serve, after binding.
class LateNode final : public Node {
  public:
    void bind(Node& node) noexcept { node_ = &node; }

    const std::string& id() const noexcept override { return get().id(); }
    Store& store() override { return get().store(); }
    Router& router() override { return get().router(); }
    MessageLog* message_log() noexcept override { return get().message_log(); }
    std::uint64_t next_message_id() noexcept override { return get().next_message_id(); }
    std::chrono::milliseconds heartbeat_interval() const noexcept override {
        return get().heartbeat_interval();
    }
    Registry& registry() override { return get().registry(); }
    bool close_session(UserId user, const Error& why) override {
        return get().close_session(user, why);
    }
    std::size_t users_here() const noexcept override { return get().users_here(); }

  private:
    Node& get() const noexcept {
        assert(node_ != nullptr && "a plugin used the node during setup");
        return *node_;
    }

    Node* node_ = nullptr;
};

}  // namespace parley::cluster
