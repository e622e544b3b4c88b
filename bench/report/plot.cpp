#include "plot.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace parley::bench::report {
namespace {

struct Panel {
    std::string case_id;
    std::string metric_key;
    std::string title;
};

const std::vector<Panel>& panels() {
    static const std::vector<Panel> kPanels{
        {"private-closed", "throughput", "1:1 closed loop, thousand messages/s"},
        {"group", "throughput", "group fan-out, thousand deliveries/s"},
        {"private-open", "p99_us", "1:1 open loop, p99 latency (ms)"},
        {"group", "p99_us", "group fan-out, p99 latency (ms)"},
    };
    return kPanels;
}

/// The median of `metric_key` for `server` in `case_id`, or nothing.
std::optional<double> median_of(const std::vector<CaseFigures>& cases, const Panel& panel,
                                const std::string& server) {
    for (const auto& c : cases) {
        if (c.spec->id != panel.case_id) {
            continue;
        }
        const auto& metrics = c.spec->metrics;
        const auto metric = std::find_if(metrics.begin(), metrics.end(), [&](const MetricSpec& m) {
            return m.key == panel.metric_key;
        });
        for (const auto& figures : c.servers) {
            if (figures.server == server && metric != metrics.end()) {
                const auto& stat =
                    figures.metrics[static_cast<std::size_t>(metric - metrics.begin())];
                if (stat) {
                    return stat->median;
                }
            }
        }
    }
    return std::nullopt;
}

}  // namespace

void write_plot_files(const std::vector<CaseFigures>& cases, const std::filesystem::path& dir,
                      const std::string& title) {
    std::vector<std::string> servers;
    for (const auto& c : cases) {
        for (const auto& figures : c.servers) {
            if (std::find(servers.begin(), servers.end(), figures.server) == servers.end()) {
                servers.push_back(figures.server);
            }
        }
    }

    std::ofstream data(dir / "plot.dat");
    data << "# server";
    for (const auto& panel : panels()) {
        data << " \"" << panel.title << "\"";
    }
    data << "\n";
    for (const auto& server : servers) {
        data << server;
        for (const auto& panel : panels()) {
            const auto value = median_of(cases, panel, server);
            data << " ";
            if (value) {
                // Latencies are kept in µs and rates per second; the plot shows ms and
                // thousands per second, which read well with plain axis numbers.
                data << *value / 1000.0;
            } else {
                data << "?";
            }
        }
        data << "\n";
    }

    std::ofstream script(dir / "plot.gp");
    script << "# Written by parley-bench-report; run `gnuplot plot.gp` here.\n"
           << "set terminal pngcairo size 1400,900 font \"sans,11\"\n"
           << "set output \"results.png\"\n"
           << "set datafile missing \"?\"\n"
           << "set style data histograms\n"
           << "set style fill solid 0.8 border -1\n"
           << "set boxwidth 0.7\n"
           << "set grid ytics\n"
           << "set yrange [0:*]\n"
           << "set offsets 0, 0, graph 0.08, 0\n"
           << "set format y \"%g\"\n"
           << "unset key\n"
           << "set multiplot layout 2,2 title \"" << title << "\"\n";
    int column = 2;
    for (const auto& panel : panels()) {
        // Whole numbers from 100 up, three significant digits below.
        script << "set title \"" << panel.title << "\"\n"
               << "plot \"plot.dat\" using " << column << ":xtic(1) linecolor rgb \"#4477aa\", \\\n"
               << "     \"\" using 0:" << column << ":($" << column
               << " >= 100 ? sprintf(\"%.0f\", $" << column << ") : sprintf(\"%.3g\", $" << column
               << ")) with labels offset 0,0.7 notitle\n";
        ++column;
    }
    script << "unset multiplot\n";
    if (!data || !script) {
        throw std::runtime_error("cannot write the plot files in " + dir.string());
    }
}

}  // namespace parley::bench::report
