#pragma once

#include <string>

#include <parley/asio.hpp>

#include "parley/echo/v1/echo.pb.h"

namespace parley::echo {

/// parley.echo.v1.Echo/Say: answers with the request's text and this node's id; on request later,
/// from the plugin's event loop, or with a failure.
class EchoService final : public v1::Echo {
  public:
    EchoService(asio::any_io_executor executor, std::string node_id);

    void Say(google::protobuf::RpcController* call, const v1::EchoRequest* request,
             v1::EchoReply* reply, google::protobuf::Closure* done) override;

  private:
    asio::any_io_executor executor_;
    std::string node_id_;
};

}  // namespace parley::echo
