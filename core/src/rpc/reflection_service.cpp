#include "rpc/reflection_service.hpp"

#include <set>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include "parley/rpc/v1/reflection.pb.h"
#include "rpc/service_table.hpp"

namespace parley::rpc {
namespace {

namespace pb = google::protobuf;

/// Adds `file` to `out` after the files it imports, each once.
void add_with_dependencies(const pb::FileDescriptor* file, std::set<std::string>& seen,
                           pb::FileDescriptorSet& out) {
    if (!seen.insert(file->name()).second) {
        return;
    }
    for (int i = 0; i < file->dependency_count(); ++i) {
        add_with_dependencies(file->dependency(i), seen, out);
    }
    file->CopyTo(out.add_file());
}

class ReflectionService final : public v1::Reflection {
  public:
    explicit ReflectionService(const ServiceTable& table) : table_(table) {}

    void ListServices(pb::RpcController* /*call*/, const v1::ListServicesRequest* /*request*/,
                      v1::ListServicesReply* reply, pb::Closure* done) override {
        std::set<std::string> seen;
        for (const pb::ServiceDescriptor* service : table_.descriptors()) {
            reply->add_services(service->full_name());
            add_with_dependencies(service->file(), seen, *reply->mutable_files());
        }
        done->Run();
    }

  private:
    const ServiceTable& table_;
};

}  // namespace

std::shared_ptr<RpcService> make_reflection_service(const ServiceTable& table) {
    return rpc_service(std::make_shared<ReflectionService>(table));
}

}  // namespace parley::rpc
