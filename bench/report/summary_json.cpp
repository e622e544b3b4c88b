#include "summary_json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "../src/json_writer.hpp"

namespace parley::bench::report {

std::string summary_json(const std::vector<CaseFigures>& cases,
                         const boost::json::object& environment) {
    // The environment is copied through as the run recorded it.
    std::string out = "{\"environment\":" + boost::json::serialize(environment) + ",\"cases\":";
    JsonWriter json;
    json.begin_array();
    for (const auto& c : cases) {
        json.begin_object().field("case", c.spec->id).field("title", c.spec->title);
        json.key("servers").begin_array();
        for (const auto& server : c.servers) {
            json.begin_object()
                .field("server", server.server)
                .field("ok", server.ok)
                .field("repetitions", static_cast<std::uint64_t>(server.generator_cpu.count))
                .field("params", server.params);
            json.key("metrics").begin_object();
            for (std::size_t m = 0; m < c.spec->metrics.size(); ++m) {
                const auto& spec = c.spec->metrics[m];
                const auto& stat = server.metrics[m];
                json.key(spec.key);
                if (!stat) {
                    json.null();
                    continue;
                }
                json.begin_object()
                    .field("unit", spec.title)
                    .field("higher_is_better", spec.higher_is_better)
                    .field("median", stat->median)
                    .field("min", stat->min)
                    .field("max", stat->max)
                    .field("spread_percent", stat->spread_percent());
                json.key("ratio_to_nats");
                if (stat->ratio_to_nats) {
                    json.value(*stat->ratio_to_nats);
                } else {
                    json.null();
                }
                json.end_object();
            }
            json.end_object();
            json.key("generator_cpu_util")
                .begin_object()
                .field("median", server.generator_cpu.median)
                .field("max", server.generator_cpu.max)
                .end_object()
                .field("generator_bound", server.generator_bound);
            json.key("server_cpu_util");
            if (server.server_cpu) {
                json.begin_object()
                    .field("median", server.server_cpu->median)
                    .field("max", server.server_cpu->max)
                    .end_object();
            } else {
                json.null();
            }
            json.key("server_run_delay_util");
            if (server.server_run_delay) {
                json.begin_object()
                    .field("median", server.server_run_delay->median)
                    .field("max", server.server_run_delay->max)
                    .end_object();
            } else {
                json.null();
            }
            json.field("server_starved", server.server_starved).key("problems").begin_array();
            for (const auto& problem : server.problems) {
                json.value(problem);
            }
            json.end_array().end_object();
        }
        json.end_array().end_object();
    }
    json.end_array();
    return out + json.str() + "}\n";
}

}  // namespace parley::bench::report
