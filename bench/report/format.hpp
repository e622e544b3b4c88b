#pragma once
// Numbers as a person reads them in a table: 182k msgs/s, 1.40M, 85 µs, 12.3 ms, 2.36 KB.

#include <string>

namespace parley::bench::report {

/// Three significant digits with k/M for counts and rates.
std::string human_count(double value);
/// A duration given in microseconds, as µs, ms or s.
std::string human_micros(double micros);
/// A size given in bytes, as B, KB or MB (powers of 1000).
std::string human_bytes(double bytes);
/// "1.01×"
std::string human_ratio(double ratio);
/// "12%"
std::string human_percent(double percent);

/// The value as its metric's key implies: *_us in time, rss_* in bytes, the rest as counts.
std::string human_metric(const std::string& key, double value);

}  // namespace parley::bench::report
