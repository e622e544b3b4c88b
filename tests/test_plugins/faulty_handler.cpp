// A handler that fails on purpose: type 0x81 throws a std::runtime_error, type 0x82 throws
// parley::Error. The session and the node must survive both.
#include <stdexcept>

#include <parley/plugin.hpp>

namespace {

class FaultyHandler final : public parley::Handler {
  public:
    explicit FaultyHandler(bool parley_error) : parley_error_(parley_error) {}

    parley::asio::awaitable<void> handle(parley::RequestContext& ctx,
                                         const parley::Frame&) override {
        ctx.ref_id = 4242;
        if (parley_error_) {
            throw parley::Error(parley::ErrorCode::permission_denied, "faulty handler says no");
        }
        throw std::runtime_error("faulty handler exploded");
    }

  private:
    bool parley_error_;
};

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "faulty handler settings");
    reader.finish();
    host.add_handler(parley::FrameType{0x81}, std::make_shared<FaultyHandler>(false));
    host.add_handler(parley::FrameType{0x82}, std::make_shared<FaultyHandler>(true));
}

}  // namespace

PARLEY_PLUGIN("handler", "faulty", "throws on purpose, for tests", setup)
