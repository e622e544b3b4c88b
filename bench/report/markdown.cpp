#include "markdown.hpp"

#include <algorithm>
#include <optional>
#include <sstream>
#include <utility>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "format.hpp"

namespace parley::bench::report {

namespace json = boost::json;

namespace {

constexpr const char* kBoundMark = " ⚠";
constexpr const char* kProblemMark = " ✗";
constexpr const char* kStarvedMark = " ⏳";

std::string scalar_text(const json::value& value) {
    if (value.is_string()) {
        return std::string{value.as_string()};
    }
    return json::serialize(value);
}

std::string figure(const std::string& key, const std::optional<Stat>& stat) {
    if (!stat) {
        return "–";
    }
    std::string text = human_metric(key, stat->median);
    if (stat->ratio_to_nats) {
        text += " (" + human_ratio(*stat->ratio_to_nats) + ")";
    }
    return text;
}

std::string marks(const ServerFigures& server) {
    std::string text;
    if (server.generator_bound) {
        text += kBoundMark;
    }
    if (server.server_starved) {
        text += kStarvedMark;
    }
    if (!server.ok) {
        text += kProblemMark;
    }
    return text;
}

std::size_t repetitions(const std::vector<CaseFigures>& cases) {
    std::size_t most = 0;
    for (const auto& c : cases) {
        for (const auto& server : c.servers) {
            most = std::max(most, server.generator_cpu.count);
        }
    }
    return most;
}

void summary_table(std::ostringstream& out, const std::vector<CaseFigures>& cases) {
    std::vector<std::string> servers;
    for (const auto& c : cases) {
        for (const auto& server : c.servers) {
            if (std::find(servers.begin(), servers.end(), server.server) == servers.end()) {
                servers.push_back(server.server);
            }
        }
    }
    out << "| server |";
    for (const auto& c : cases) {
        out << " " << c.spec->title << ", " << c.spec->metrics.front().title << " |";
    }
    out << "\n| --- |";
    for (std::size_t i = 0; i < cases.size(); ++i) {
        out << " ---: |";
    }
    out << "\n";
    for (const auto& name : servers) {
        out << "| " << name << " |";
        for (const auto& c : cases) {
            const auto found =
                std::find_if(c.servers.begin(), c.servers.end(),
                             [&](const ServerFigures& s) { return s.server == name; });
            if (found == c.servers.end()) {
                out << " – |";
                continue;
            }
            out << " " << figure(c.spec->metrics.front().key, found->metrics.front())
                << marks(*found) << " |";
        }
        out << "\n";
    }
}

void case_table(std::ostringstream& out, const CaseFigures& c) {
    out << "### " << c.spec->title << "\n\n";
    if (!c.servers.empty() && !c.servers.front().params.empty()) {
        out << "Parameters: " << c.servers.front().params << ".\n\n";
    }
    out << "| server |";
    for (const auto& metric : c.spec->metrics) {
        out << " " << metric.title << " |";
    }
    out << " spread | server CPU | generator CPU | notes |\n| --- |";
    for (std::size_t i = 0; i < c.spec->metrics.size(); ++i) {
        out << " ---: |";
    }
    out << " ---: | ---: | ---: | --- |\n";
    for (const auto& server : c.servers) {
        out << "| " << server.server << " |";
        for (std::size_t m = 0; m < c.spec->metrics.size(); ++m) {
            out << " " << figure(c.spec->metrics[m].key, server.metrics[m]) << " |";
        }
        const auto& headline = server.metrics.front();
        out << " " << (headline ? human_percent(headline->spread_percent()) : "–") << " |";
        if (server.server_cpu) {
            out << " " << human_percent(server.server_cpu->median * 100);
            if (server.server_run_delay) {
                out << " (waited " << human_percent(server.server_run_delay->max * 100) << ")";
            }
            out << " |";
        } else {
            out << " – |";
        }
        out << " " << human_percent(server.generator_cpu.median * 100) << " (max "
            << human_percent(server.generator_cpu.max * 100) << ") |";
        std::string notes;
        if (server.generator_bound) {
            notes += "generator-bound";
        }
        if (server.server_starved) {
            notes += (notes.empty() ? "" : "; ") + std::string{"server waited for a CPU"};
        }
        for (const auto& problem : server.problems) {
            notes += (notes.empty() ? "" : "; ") + problem;
        }
        out << " " << notes << " |\n";
    }
    out << "\n";
}

/// The label's transport suffix ("tls", "ws", "wss") and the label without it, if it has one.
std::optional<std::pair<std::string, std::string>> split_transport(const std::string& label) {
    for (const std::string suffix : {"-tls", "-wss", "-ws"}) {
        if (label.size() > suffix.size() && label.ends_with(suffix)) {
            return std::pair{label.substr(0, label.size() - suffix.size()), suffix.substr(1)};
        }
    }
    return std::nullopt;
}

/// Each server over TLS or WebSocket against itself over plain TCP, from the same run: the
/// ratio of the medians of every figure (throughput below 1 and latency above 1 are the cost).
void transport_tables(std::ostringstream& out, const std::vector<CaseFigures>& cases) {
    bool any = false;
    for (const auto& c : cases) {
        std::ostringstream rows;
        for (const auto& server : c.servers) {
            const auto split = split_transport(server.server);
            if (!split) {
                continue;
            }
            const auto plain =
                std::find_if(c.servers.begin(), c.servers.end(),
                             [&](const ServerFigures& s) { return s.server == split->first; });
            if (plain == c.servers.end()) {
                continue;
            }
            rows << "| " << split->first << " | " << split->second << " |";
            for (std::size_t m = 0; m < c.spec->metrics.size(); ++m) {
                const auto& over = server.metrics[m];
                const auto& base = plain->metrics[m];
                if (over && base && base->median != 0) {
                    rows << " " << human_ratio(over->median / base->median) << " |";
                } else {
                    rows << " – |";
                }
            }
            rows << marks(server) << " |\n";
        }
        if (rows.str().empty()) {
            continue;
        }
        if (!any) {
            out << "## Transports\n\n"
                << "Each server over TLS or WebSocket divided by the same server over plain TCP, "
                   "medians from this run (for throughput below 1 is the cost, for latency above "
                   "1).\n\n";
            any = true;
        }
        out << "### " << c.spec->title << "\n\n| server | transport |";
        for (const auto& metric : c.spec->metrics) {
            out << " " << metric.title << " |";
        }
        out << " marks |\n| --- | --- |";
        for (std::size_t i = 0; i < c.spec->metrics.size(); ++i) {
            out << " ---: |";
        }
        out << " --- |\n" << rows.str() << "\n";
    }
}

void environment_section(std::ostringstream& out, const json::object& environment) {
    out << "## Run\n\n";
    for (const auto& [key, value] : environment) {
        if (value.is_object()) {
            out << "- " << key << ":\n";
            for (const auto& [inner_key, inner] : value.as_object()) {
                out << "  - " << inner_key << ": " << scalar_text(inner) << "\n";
            }
        } else {
            out << "- " << key << ": " << scalar_text(value) << "\n";
        }
    }
    out << "\n";
}

}  // namespace

std::string markdown_report(const std::vector<CaseFigures>& cases,
                            const json::object& environment) {
    std::ostringstream out;
    out << "## Summary\n\n"
        << "Median of " << repetitions(cases)
        << " repetition(s); in brackets the ratio to nats-server's median from the same run "
           "(for latency and memory, lower is better). "
        << "⚠ marks a figure measured while the generator used at least "
        << human_percent(kGeneratorBoundUtil * 100)
        << " of its core (generator-bound: the server may be faster than shown); ⏳ marks a "
           "figure from a run in which the server's threads waited for a CPU for at least "
        << human_percent(kServerStarvedDelay * 100)
        << " of the measured window (other work on the machine held it back); ✗ marks a "
           "figure from a run that reported problems (see its table).\n\n";
    summary_table(out, cases);
    out << "\n## Details\n\n"
        << "Spread is (max - min) / median of the headline figure over the repetitions. "
           "Server CPU is the server's CPU time over the measured window divided by the "
           "window (its one core = 100%), median, with the longest time its threads waited "
           "for a CPU in brackets; generator CPU is the same for the generator, median (max).\n\n";
    for (const auto& c : cases) {
        case_table(out, c);
    }
    transport_tables(out, cases);
    environment_section(out, environment);
    return out.str();
}

}  // namespace parley::bench::report
