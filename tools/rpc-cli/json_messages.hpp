#pragma once
// Messages of types known only at run time, to and from protobuf's JSON mapping
// (field names in lowerCamelCase; the original names are accepted too).

#include <memory>
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

namespace parley::rpc_cli {

/// Makes messages of any type in a reflected pool. Outlives every message it made.
class JsonMessages {
  public:
    /// An empty message of `type`.
    std::unique_ptr<google::protobuf::Message> empty(const google::protobuf::Descriptor& type);
    /// A message of `type` read from `json`. Throws ToolError(usage) saying what is wrong.
    std::unique_ptr<google::protobuf::Message> parse(const google::protobuf::Descriptor& type,
                                                     const std::string& json);
    /// `message` as JSON: indented, or on one line when `compact`. Fields at their default
    /// values are printed too, so an answer shows every field it has.
    static std::string print(const google::protobuf::Message& message, bool compact);

  private:
    google::protobuf::DynamicMessageFactory factory_;
};

}  // namespace parley::rpc_cli
