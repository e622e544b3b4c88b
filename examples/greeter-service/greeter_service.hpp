#pragma once

#include <string>

#include "acme/greeter/v1/greeter.pb.h"

namespace acme {

/// acme.greeter.v1.Greeter: greets by name, with the word the settings give.
class GreeterService final : public greeter::v1::Greeter {
  public:
    explicit GreeterService(std::string word) : word_(std::move(word)) {}

    void Greet(google::protobuf::RpcController* call, const greeter::v1::GreetRequest* request,
               greeter::v1::GreetReply* reply, google::protobuf::Closure* done) override;

  private:
    std::string word_;
};

}  // namespace acme
