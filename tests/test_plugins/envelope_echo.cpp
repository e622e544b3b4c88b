// A plugin with an envelope kind of its own (0x90): a frame of type 0x83 is sent back to its
// sender through the node route, as an envelope of that kind, so a test sees the core hand a
// plugin's kind to the plugin's EnvelopeHandler.
#include <map>
#include <memory>
#include <mutex>

#include <parley/plugin.hpp>
#include <parley/router.hpp>

namespace {

constexpr auto kEchoKind = static_cast<parley::Envelope::Kind>(0x90);

// The sessions waiting for their echo; the handler runs on session loops, the envelope
// handler on the transport's thread.
class Waiting {
  public:
    void add(parley::UserId user, const parley::SessionPtr& session) {
        const std::lock_guard lock(mutex_);
        sessions_[user] = session;
    }
    parley::SessionPtr find(parley::UserId user) {
        const std::lock_guard lock(mutex_);
        const auto found = sessions_.find(user);
        return found == sessions_.end() ? nullptr : found->second.lock();
    }

  private:
    std::mutex mutex_;
    std::map<parley::UserId, std::weak_ptr<parley::Session>> sessions_;
};

class EchoRequest final : public parley::Handler {
  public:
    explicit EchoRequest(std::shared_ptr<Waiting> waiting) : waiting_(std::move(waiting)) {}

    parley::asio::awaitable<void> handle(parley::RequestContext& ctx,
                                         const parley::Frame& frame) override {
        waiting_->add(ctx.session->user(), ctx.session);
        parley::Envelope envelope;
        envelope.kind = kEchoKind;
        envelope.recipient = ctx.session->user();
        envelope.frame = frame;
        std::string node = ctx.node.id();
        co_await ctx.node.router().send_to_node(std::move(node), std::move(envelope));
    }

  private:
    std::shared_ptr<Waiting> waiting_;
};

class EchoDelivery final : public parley::EnvelopeHandler {
  public:
    explicit EchoDelivery(std::shared_ptr<Waiting> waiting) : waiting_(std::move(waiting)) {}

    void on_envelope(parley::Envelope envelope) override {
        if (const auto session = waiting_->find(envelope.recipient)) {
            session->send(std::move(envelope.frame));
        }
    }

  private:
    std::shared_ptr<Waiting> waiting_;
};

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "envelope-echo settings");
    reader.finish();
    auto waiting = std::make_shared<Waiting>();
    host.add_handler(parley::FrameType{0x83}, std::make_shared<EchoRequest>(waiting));
    host.add(std::make_shared<EchoDelivery>(waiting), 0x90);
}

}  // namespace

PARLEY_PLUGIN("handler", "envelope-echo", "echoes 0x83 through the node route, for tests", setup)
