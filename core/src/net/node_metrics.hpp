#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include <parley/error.hpp>
#include <parley/metrics.hpp>

#include "net/refusal_log.hpp"

namespace parley::net {

/// The broker's own counters (docs/admin-http.md lists them), in the process's metrics registry.
/// Series are looked up once and then counted lock-free from any thread; a frame type or error
/// code seen for the first time takes the registry's lock once.
class NodeMetrics {
  public:
    /// The process's instance; its series exist from the first call on.
    static NodeMetrics& get();

    void frame_received(std::uint8_t type) noexcept { of_type(frames_in_, type, true).add(); }
    void frame_sent(std::uint8_t type) noexcept { of_type(frames_out_, type, false).add(); }
    void error_sent(ErrorCode code) noexcept { of_code(errors_, code).add(); }
    void login_succeeded() noexcept { logins_.add(); }
    void login_failed(ErrorCode code) noexcept { of_code(failed_logins_, code).add(); }
    void slow_consumer_closed() noexcept { slow_consumers_.add(); }
    void refused(Refusal kind) noexcept { refusals_[static_cast<std::size_t>(kind)]->add(); }

    /// "private_message" for Parley's own frame types, "0x80" for others.
    static std::string type_label(std::uint8_t type);

  private:
    NodeMetrics();

    using ByType = std::array<std::atomic<metrics::Counter*>, 256>;
    /// The codes of error.hpp's table, in one array each; other codes share the last slot's
    /// lookup under the registry's lock.
    struct ByCode {
        const char* name;
        const char* help;
        std::array<metrics::Counter*, 32> known{};
    };

    metrics::Counter& of_type(ByType& table, std::uint8_t type, bool received) noexcept;
    metrics::Counter& of_code(ByCode& table, ErrorCode code) noexcept;

    ByType frames_in_{};
    ByType frames_out_{};
    ByCode errors_;
    ByCode failed_logins_;
    metrics::Counter& logins_;
    metrics::Counter& slow_consumers_;
    std::array<metrics::Counter*, static_cast<std::size_t>(Refusal::count)> refusals_{};
};

}  // namespace parley::net
