#include "rpc/rpc_metrics.hpp"

#include <google/protobuf/descriptor.h>

namespace parley::rpc {

RpcMetrics& RpcMetrics::get() {
    static RpcMetrics* const instance = new RpcMetrics();  // counted into until exit
    return *instance;
}

std::string RpcMetrics::label_of(const google::protobuf::MethodDescriptor* method) {
    if (method == nullptr) {
        return "-";
    }
    return method->service()->full_name() + "/" + method->name();
}

void RpcMetrics::ended(const google::protobuf::MethodDescriptor* method, ErrorCode code) {
    const auto number = static_cast<std::uint32_t>(code);
    metrics::Counter* counter = nullptr;
    {
        std::lock_guard lock(mutex_);
        auto& slot = calls_[{method, number}];
        if (slot == nullptr) {
            slot = &metrics::registry().counter("parley_rpc_calls_total",
                                                "Calls of the RPC services this node hosts (RPC "
                                                "listener and HTTP API), by method and code.",
                                                {{"method", label_of(method)},
                                                 {"code", std::to_string(number)},
                                                 {"name", std::string{to_string(code)}}});
        }
        counter = slot;
    }
    counter->add();
}

void RpcMetrics::ran(const google::protobuf::MethodDescriptor* method,
                     std::chrono::nanoseconds took) {
    metrics::Histogram* histogram = nullptr;
    {
        std::lock_guard lock(mutex_);
        auto& slot = durations_[method];
        if (slot == nullptr) {
            slot = &metrics::registry().histogram(
                "parley_rpc_call_duration_seconds",
                "How long RPC methods ran on this node, from the call to its answer.",
                metrics::latency_buckets(), {{"method", label_of(method)}});
        }
        histogram = slot;
    }
    histogram->observe(std::chrono::duration<double>(took).count());
}

}  // namespace parley::rpc
