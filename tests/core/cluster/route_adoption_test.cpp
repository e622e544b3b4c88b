// Which departed nodes' routes a node consumes, as the registry's node list changes.
#include "cluster/route_adoption.hpp"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace parley::cluster {
namespace {

/// Records adopt/release calls; the routing itself is the transport plugins' business.
class RecordingTransport final : public Transport {
  public:
    void start(const std::string&, TransportListener&) override {}
    asio::awaitable<void> publish_to_node(std::string, Envelope) override { co_return; }
    asio::awaitable<void> publish_to_group(GroupId, Frame) override { co_return; }
    void adopt_route(const std::string& node_id) override { calls.push_back("adopt " + node_id); }
    void release_route(const std::string& node_id) override {
        calls.push_back("release " + node_id);
    }
    void stop() override {}

    std::vector<std::string> calls;
};

std::vector<ServiceInstance> nodes(std::initializer_list<const char*> ids) {
    std::vector<ServiceInstance> out;
    for (const char* id : ids) {
        out.push_back(ServiceInstance{kParleyService, id, {}, 0, {}});
    }
    return out;
}

class RouteAdoptionTest : public ::testing::Test {
  protected:
    std::shared_ptr<RecordingTransport> transport = std::make_shared<RecordingTransport>();
    RouteAdoption adoption{"a", transport};
};

TEST_F(RouteAdoptionTest, AdoptsTheRouteOfANodeThatLeft) {
    adoption.on_nodes(nodes({"a", "b", "c"}));
    adoption.on_nodes(nodes({"a", "c"}));
    EXPECT_EQ(transport->calls, std::vector<std::string>{"adopt b"});
    EXPECT_EQ(adoption.adopted(), std::set<std::string>{"b"});
}

TEST_F(RouteAdoptionTest, AdoptsOnceHoweverOftenTheListRepeats) {
    adoption.on_nodes(nodes({"a", "b"}));
    adoption.on_nodes(nodes({"a"}));
    adoption.on_nodes(nodes({"a"}));
    EXPECT_EQ(transport->calls, std::vector<std::string>{"adopt b"});
}

TEST_F(RouteAdoptionTest, GivesTheRouteBackWhenTheNodeReturns) {
    adoption.on_nodes(nodes({"a", "b"}));
    adoption.on_nodes(nodes({"a"}));
    adoption.on_nodes(nodes({"a", "b"}));
    EXPECT_EQ(transport->calls, (std::vector<std::string>{"adopt b", "release b"}));
    EXPECT_TRUE(adoption.adopted().empty());
}

TEST_F(RouteAdoptionTest, NeverAdoptsANodeItHasNotSeenOrItself) {
    adoption.on_nodes(nodes({"c"}));  // this node is missing from the list for a moment
    adoption.on_nodes(nodes({"a"}));
    EXPECT_EQ(transport->calls, std::vector<std::string>{"adopt c"});
}

TEST_F(RouteAdoptionTest, DoesNothingOnceStopped) {
    adoption.on_nodes(nodes({"a", "b"}));
    adoption.stop();
    adoption.on_nodes(nodes({"a"}));
    EXPECT_TRUE(transport->calls.empty());
}

}  // namespace
}  // namespace parley::cluster
