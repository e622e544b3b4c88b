#include "reflected_services.hpp"

#include <algorithm>

#include <google/protobuf/descriptor.pb.h>

#include "tool_error.hpp"

namespace parley::rpc_cli {
namespace {

namespace pb = google::protobuf;

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        out += (out.empty() ? "" : ", ") + name;
    }
    return out.empty() ? "none" : out;
}

/// Keeps the first error protobuf finds in a file, for the message.
class FirstError final : public pb::DescriptorPool::ErrorCollector {
  public:
    void AddError(const std::string& file, const std::string& element, const pb::Message*,
                  ErrorLocation, const std::string& message) override {
        if (text.empty()) {
            text = file + ": " + element + ": " + message;
        }
    }
    std::string text;
};

}  // namespace

ReflectedServices::ReflectedServices(const rpc::v1::ListServicesReply& reply)
    : names_(reply.services().begin(), reply.services().end()) {
    // The server sends each file after the files it imports, so one pass builds them all.
    for (const pb::FileDescriptorProto& file : reply.files().file()) {
        FirstError error;
        if (pool_.BuildFileCollectingErrors(file, &error) == nullptr) {
            throw ToolError(ExitStatus::call_failed,
                            "the server's descriptors do not build: " + error.text);
        }
    }
}

const pb::ServiceDescriptor& ReflectedServices::service(const std::string& name) const {
    const pb::ServiceDescriptor* found = pool_.FindServiceByName(name);
    if (found == nullptr || std::find(names_.begin(), names_.end(), name) == names_.end()) {
        throw ToolError(ExitStatus::usage,
                        "unknown service '" + name + "'; the server hosts: " + joined(names_));
    }
    return *found;
}

const pb::MethodDescriptor& ReflectedServices::method(const std::string& full_name) const {
    auto split = full_name.rfind('/');
    if (split == std::string::npos) {
        split = full_name.rfind('.');
    }
    if (split == std::string::npos || split == 0 || split + 1 == full_name.size()) {
        throw ToolError(ExitStatus::usage,
                        "'" + full_name + "' is not SERVICE/METHOD, e.g. parley.echo.v1.Echo/Say");
    }
    const pb::ServiceDescriptor& owner = service(full_name.substr(0, split));
    const std::string name = full_name.substr(split + 1);
    if (const pb::MethodDescriptor* found = owner.FindMethodByName(name)) {
        return *found;
    }
    std::vector<std::string> methods;
    methods.reserve(static_cast<std::size_t>(owner.method_count()));
    for (int i = 0; i < owner.method_count(); ++i) {
        methods.push_back(owner.full_name() + "/" + owner.method(i)->name());
    }
    throw ToolError(ExitStatus::usage, owner.full_name() + " has no method '" + name +
                                           "'; its methods: " + joined(methods));
}

std::string ReflectedServices::describe(const std::string& symbol) const {
    if (std::find(names_.begin(), names_.end(), symbol) != names_.end()) {
        return service(symbol).DebugString();
    }
    if (const pb::Descriptor* message = pool_.FindMessageTypeByName(symbol)) {
        return message->DebugString();
    }
    if (const pb::EnumDescriptor* type = pool_.FindEnumTypeByName(symbol)) {
        return type->DebugString();
    }
    if (symbol.find('/') == std::string::npos &&
        pool_.FindServiceByName(symbol.substr(0, symbol.rfind('.'))) == nullptr) {
        throw ToolError(ExitStatus::usage, "no service, method or message is named '" + symbol +
                                               "'; the server hosts: " + joined(names_));
    }
    const pb::MethodDescriptor& found = method(symbol);
    return found.DebugString() + "\n" + found.input_type()->DebugString() + "\n" +
           found.output_type()->DebugString();
}

}  // namespace parley::rpc_cli
