#include "transport_metrics.hpp"

namespace parley::plugins::kafka {

TransportMetrics::TransportMetrics() {
    const char* const routes[] = {"node", "group"};
    const char* const directions[] = {"sent", "received"};
    for (std::size_t route = 0; route < 2; ++route) {
        skipped_[route] = &metrics::registry().counter(
            "parley_transport_records_skipped_total",
            "Records a consumer passed over because its position was gone (removed by the "
            "topic's retention), by route.",
            {{"route", routes[route]}});
        for (std::size_t direction = 0; direction < 2; ++direction) {
            const metrics::Labels labels{{"route", routes[route]},
                                         {"direction", directions[direction]}};
            records_[route * 2 + direction] = &metrics::registry().counter(
                "parley_transport_records_total",
                "Records sent to or read from the transport, by route.", labels);
            bytes_[route * 2 + direction] = &metrics::registry().counter(
                "parley_transport_bytes_total",
                "Bytes (key, envelope header and value) sent to or read from the transport, by "
                "route.",
                labels);
        }
    }
}

}  // namespace parley::plugins::kafka
