#pragma once

#include <cstddef>
#include <cstdint>

#include <parley/metrics.hpp>

namespace parley::plugins::kafka {

/// Records and bytes (key, envelope header and value) this node sends to and reads from Kafka,
/// by route: what cluster traffic a message costs. docs/plugins/transport-kafka.md lists them.
class TransportMetrics {
  public:
    enum class Route { node, group };

    TransportMetrics();

    void sent(Route route, std::size_t bytes) noexcept { count(route, 0, bytes); }
    void received(Route route, std::size_t bytes) noexcept { count(route, 1, bytes); }
    /// Records a consumer passed over because its position was gone (removed by retention).
    void skipped(Route route, std::int64_t records) noexcept {
        skipped_[static_cast<std::size_t>(route)]->add(static_cast<std::uint64_t>(records));
    }

  private:
    void count(Route route, int direction, std::size_t bytes) noexcept {
        const auto index =
            static_cast<std::size_t>(route) * 2 + static_cast<std::size_t>(direction);
        records_[index]->add();
        bytes_[index]->add(bytes);
    }

    // [route * 2 + direction]: node sent, node received, group sent, group received.
    metrics::Counter* records_[4];
    metrics::Counter* bytes_[4];
    metrics::Counter* skipped_[2];  // [route]
};

}  // namespace parley::plugins::kafka
