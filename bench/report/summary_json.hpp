#pragma once
// results.json: the environment of the run and, per workload and server, every figure's
// median, min, max, spread and ratio to nats-server, the generator's CPU use and the verdict.

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "summary.hpp"

namespace parley::bench::report {

std::string summary_json(const std::vector<CaseFigures>& cases,
                         const boost::json::object& environment);

}  // namespace parley::bench::report
