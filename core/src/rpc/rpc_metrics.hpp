#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include <parley/error.hpp>
#include <parley/metrics.hpp>

namespace google::protobuf {
class MethodDescriptor;
}

namespace parley::rpc {

/// The RPC listener's metrics (docs/admin-http.md): calls by method and code, and how long the
/// methods ran. Only hosted methods get a label of their own, so callers naming made-up
/// methods cannot grow the series; everything else counts under method "-". Thread safe.
class RpcMetrics {
  public:
    static RpcMetrics& get();

    /// One call ended with `code` (0 when answered); `method` is null when none was found.
    void ended(const google::protobuf::MethodDescriptor* method, ErrorCode code);
    /// A method ran for `took`, from its start to its done (or its time-out).
    void ran(const google::protobuf::MethodDescriptor* method, std::chrono::nanoseconds took);

  private:
    RpcMetrics() = default;
    /// "package.Service/Method", or "-".
    static std::string label_of(const google::protobuf::MethodDescriptor* method);

    std::mutex mutex_;
    std::map<std::pair<const google::protobuf::MethodDescriptor*, std::uint32_t>, metrics::Counter*>
        calls_;
    std::map<const google::protobuf::MethodDescriptor*, metrics::Histogram*> durations_;
};

}  // namespace parley::rpc
