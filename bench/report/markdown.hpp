#pragma once
// results.md: a summary table (one row per server, one column per workload, each figure with
// its ratio to nats-server), a detailed table per workload, and the machine the run was on.

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "summary.hpp"

namespace parley::bench::report {

std::string markdown_report(const std::vector<CaseFigures>& cases,
                            const boost::json::object& environment);

}  // namespace parley::bench::report
