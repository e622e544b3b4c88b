#include "json_messages.hpp"

#include <google/protobuf/util/json_util.h>

#include "tool_error.hpp"

namespace parley::rpc_cli {

namespace pb = google::protobuf;

std::unique_ptr<pb::Message> JsonMessages::empty(const pb::Descriptor& type) {
    return std::unique_ptr<pb::Message>(factory_.GetPrototype(&type)->New());
}

std::unique_ptr<pb::Message> JsonMessages::parse(const pb::Descriptor& type,
                                                 const std::string& json) {
    auto message = empty(type);
    const auto status = pb::util::JsonStringToMessage(json, message.get());
    if (!status.ok()) {
        // protobuf's parser may add lines pointing at the place; keep them, minus the trailing
        // blank ones.
        std::string why(status.message());
        why.erase(why.find_last_not_of(" \n") + 1);
        throw ToolError(ExitStatus::usage, "bad JSON for " + type.full_name() + ": " + why);
    }
    return message;
}

std::string JsonMessages::print(const pb::Message& message, bool compact) {
    pb::util::JsonPrintOptions options;
    options.add_whitespace = !compact;
    options.always_print_primitive_fields = true;
    std::string out;
    const auto status = pb::util::MessageToJsonString(message, &out, options);
    if (!status.ok()) {
        throw ToolError(ExitStatus::call_failed,
                        "cannot print the answer as JSON: " + std::string(status.message()));
    }
    if (!out.empty() && out.back() == '\n') {
        out.pop_back();  // add_whitespace ends with one; print() callers add their own
    }
    return out;
}

}  // namespace parley::rpc_cli
