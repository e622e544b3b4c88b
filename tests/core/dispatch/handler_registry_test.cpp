#include "dispatch/handler_registry.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace parley::dispatch {
namespace {

class NoopHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext&, const Frame&) override { co_return; }
};

TEST(HandlerRegistryTest, FindsWhatWasRegistered) {
    HandlerRegistry registry;
    auto handler = std::make_shared<NoopHandler>();
    registry.add(FrameType{0x80}, handler, "handler plugin 'dice'");
    EXPECT_EQ(registry.find(0x80), handler.get());
    EXPECT_EQ(registry.owner(0x80), "handler plugin 'dice'");
    EXPECT_EQ(registry.find(0x81), nullptr);
    EXPECT_EQ(registry.size(), 1U);
}

TEST(HandlerRegistryTest, TwoHandlersForOneTypeNameBothPlugins) {
    HandlerRegistry registry;
    registry.add(FrameType::private_message, std::make_shared<NoopHandler>(),
                 "handler plugin 'private'");
    try {
        registry.add(FrameType::private_message, std::make_shared<NoopHandler>(),
                     "handler plugin 'private2'");
        FAIL() << "expected a duplicate error";
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("0x04"), std::string::npos) << message;
        EXPECT_NE(message.find("'private'"), std::string::npos) << message;
        EXPECT_NE(message.find("'private2'"), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace parley::dispatch
