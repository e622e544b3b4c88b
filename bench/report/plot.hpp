#pragma once
// plot.dat and plot.gp for gnuplot: four bar charts, one bar per server: 1:1 closed-loop
// throughput, group fan-out deliveries, 1:1 open-loop p99 latency and group p99 latency.
// `gnuplot plot.gp` in the same directory writes results.png.

#include <filesystem>
#include <vector>

#include "summary.hpp"

namespace parley::bench::report {

void write_plot_files(const std::vector<CaseFigures>& cases, const std::filesystem::path& dir,
                      const std::string& title);

}  // namespace parley::bench::report
