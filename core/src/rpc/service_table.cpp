#include "rpc/service_table.hpp"

#include <stdexcept>

#include <google/protobuf/descriptor.h>

namespace parley::rpc {

void ServiceTable::add(std::shared_ptr<RpcService> service, const std::string& owner) {
    const std::string name = service->full_name();
    if (auto found = services_.find(name); found != services_.end()) {
        throw std::invalid_argument(owner + " registers service " + name + ", which " +
                                    found->second.owner + " already registered");
    }
    services_.emplace(name, Hosted{std::move(service), owner});
}

MethodTarget ServiceTable::find(std::string_view full_method) const {
    const auto slash = full_method.rfind('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == full_method.size()) {
        throw Error(ErrorCode::unknown_method,
                    "a method is named \"package.Service/Method\", not \"" +
                        std::string(full_method) + "\"");
    }
    const std::string_view service_name = full_method.substr(0, slash);
    const std::string_view method_name = full_method.substr(slash + 1);
    const auto found = services_.find(service_name);
    if (found == services_.end()) {
        std::string hosted;
        for (const auto& [name, unused] : services_) {
            hosted += (hosted.empty() ? "" : ", ") + name;
        }
        throw Error(ErrorCode::unknown_service,
                    "no service " + std::string(service_name) + " here (hosted: " + hosted + ")");
    }
    google::protobuf::Service& implementation = found->second.service->implementation();
    const google::protobuf::MethodDescriptor* method =
        implementation.GetDescriptor()->FindMethodByName(std::string(method_name));
    if (method == nullptr) {
        throw Error(ErrorCode::unknown_method, "service " + std::string(service_name) +
                                                   " has no method " + std::string(method_name));
    }
    return MethodTarget{&implementation, method};
}

std::vector<std::string> ServiceTable::names() const {
    std::vector<std::string> out;
    for (const auto& [name, unused] : services_) {
        out.push_back(name);
    }
    return out;
}

std::vector<const google::protobuf::ServiceDescriptor*> ServiceTable::descriptors() const {
    std::vector<const google::protobuf::ServiceDescriptor*> out;
    for (const auto& [name, hosted] : services_) {
        out.push_back(hosted.service->implementation().GetDescriptor());
    }
    return out;
}

}  // namespace parley::rpc
