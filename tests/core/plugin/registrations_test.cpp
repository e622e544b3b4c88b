// The one registration call: typed add() on top of a type-erased entry, checked against the
// host's table of kinds.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <parley/host/registrations.hpp>
#include <parley/plugin.hpp>

#include "support/empty_store.hpp"

namespace parley::host {
namespace {

class NullHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext&, const Frame&) override { co_return; }
};

// An interface that is not the first base: its pointer differs from the object's.
class Noise {
  public:
    virtual ~Noise() = default;
    int padding = 0;
};
class OffsetHandler final : public Noise, public Handler {
  public:
    asio::awaitable<void> handle(RequestContext&, const Frame&) override { co_return; }
};

class NullEnvelopeHandler final : public EnvelopeHandler {
  public:
    void on_envelope(Envelope) override {}
};

// The PluginHost side of one plugin's setup, as the loader gives it, minus the library.
class RecordingHost final : public PluginHost {
  public:
    RecordingHost(Registrations& into, std::string kind, std::string name)
        : into_(into), kind_(std::move(kind)), name_(std::move(name)) {}
    void register_object(Registration registration) override {
        into_.add(kind_, name_, std::move(registration));
    }
    asio::any_io_executor executor() override { return {}; }
    const std::string& node_id() const override { return name_; }
    Node* node() override { return nullptr; }

  private:
    Registrations& into_;
    std::string kind_;
    std::string name_;
};

std::vector<KindRule> broker_like_rules() {
    return {{"transport", Cardinality::one, false},
            {"handler", Cardinality::many, false},
            {"envelope handler", Cardinality::many, true}};
}

std::string error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const PluginError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Registrations, TypedAddRegistersTheInterfaceUnderItsKindAndKey) {
    Registrations registered(broker_like_rules(), "parleyd");
    RecordingHost host(registered, "handler", "echo");
    auto handler = std::make_shared<OffsetHandler>();
    host.add_handler(FrameType{0x90}, handler);

    const auto handlers = registered.all<Handler>();
    ASSERT_EQ(handlers.size(), 1u);
    EXPECT_EQ(handlers[0].key, 0x90u);
    EXPECT_EQ(handlers[0].owner, "handler plugin 'echo'");
    // The erased pointer was taken as a Handler*, not as the object's own address.
    EXPECT_EQ(handlers[0].object.get(), static_cast<Handler*>(handler.get()));
    EXPECT_NE(static_cast<void*>(handlers[0].object.get()), static_cast<void*>(handler.get()));
}

TEST(Registrations, AKindTheProgramDoesNotHostIsRefusedWithWhatItHosts) {
    Registrations registered({{"registry", Cardinality::one, false}}, "the client");
    RecordingHost host(registered, "handler", "dice");
    const std::string message =
        error_of([&] { host.add_handler(FrameType{0x80}, std::make_shared<NullHandler>()); });
    EXPECT_EQ(message,
              "handler plugin 'dice' registered a handler, but the client hosts only: registry; "
              "name a plugin of one of those kinds");
}

TEST(Registrations, APluginRegistersOnlyItsOwnKindUnlessTheKindIsOpenToAll) {
    Registrations registered(broker_like_rules(), "parleyd");
    RecordingHost transport_plugin(registered, "transport", "kafka");
    EXPECT_EQ(
        error_of(
            [&] { transport_plugin.add_handler(FrameType{4}, std::make_shared<NullHandler>()); }),
        "transport plugin 'kafka' tried to register a handler, which only a handler plugin may do");
    // Envelope handlers may come from any plugin.
    EXPECT_EQ(
        error_of([&] { transport_plugin.add(std::make_shared<NullEnvelopeHandler>(), 0x90); }),
        "no error");
    EXPECT_EQ(registered.all<EnvelopeHandler>().size(), 1u);
}

TEST(Registrations, ASecondObjectOfAOneKindNamesBothPlugins) {
    Registrations registered({{"store", Cardinality::one, false}}, "parleyd");
    RecordingHost first(registered, "store", "memory");
    RecordingHost second(registered, "store", "redis");
    first.add(std::make_shared<test::EmptyStore>());
    EXPECT_EQ(
        error_of([&] { second.add(std::make_shared<test::EmptyStore>()); }),
        "store plugin 'redis' registered a second store (store plugin 'memory' registered the "
        "first); parleyd uses one");
    EXPECT_NE(registered.one<Store>(), nullptr);
}

TEST(Registrations, ANullObjectIsRefused) {
    Registrations registered(broker_like_rules(), "parleyd");
    RecordingHost host(registered, "handler", "broken");
    EXPECT_EQ(error_of([&] { host.add_handler(FrameType{4}, nullptr); }),
              "handler plugin 'broken' registered a null handler");
}

}  // namespace
}  // namespace parley::host
