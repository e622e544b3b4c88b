// parley-bench-report DIR: reads DIR/runs/*.json (one parley-bench result each) and
// DIR/env.json (what scripts/bench.sh recorded about the machine), and writes DIR/results.json,
// DIR/results.md and DIR/plot.dat + DIR/plot.gp for gnuplot.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "markdown.hpp"
#include "plot.hpp"
#include "summary.hpp"
#include "summary_json.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace parley::bench::report;

std::string read_text(const fs::path& path) {
    std::ifstream file(path);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

json::object read_object(const fs::path& path) {
    auto value = json::parse(read_text(path));
    if (!value.is_object()) {
        throw std::runtime_error(path.string() + " does not hold a JSON object");
    }
    return std::move(value.as_object());
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream file(path);
    file << text;
    if (!file) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2 || std::string_view{argv[1]} == "--help") {
        std::fprintf(stderr, "usage: parley-bench-report RESULTS_DIR\n");
        return 2;
    }
    try {
        const fs::path dir = argv[1];
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir / "runs")) {
            if (entry.path().extension() == ".json") {
                files.push_back(entry.path());
            }
        }
        std::sort(files.begin(), files.end());
        std::vector<json::object> runs;
        for (const auto& file : files) {
            try {
                runs.push_back(read_object(file));
            } catch (const std::exception& e) {
                std::fprintf(stderr, "parley-bench-report: skipping %s: %s\n",
                             file.string().c_str(), e.what());
            }
        }
        const auto env_file = dir / "env.json";
        const json::object environment =
            fs::exists(env_file) ? read_object(env_file) : json::object{};

        const auto cases =
            summarize(runs, {"parley", "parley-tls", "parley-ws", "parley-wss", "parley-memory",
                             "parley-sqlite", "nats", "nats-tls", "nats-ws", "nats-wss", "nats-js",
                             "mosquitto", "mosquitto-tls", "mosquitto-ws", "mosquitto-wss",
                             "mosquitto-qos1", "mosquitto-persist", "redis"});
        write_text(dir / "results.json", summary_json(cases, environment));
        write_text(dir / "results.md", markdown_report(cases, environment));
        std::string title = "Parley and its peers: medians";
        const auto* mode = environment.if_contains("mode");
        const auto* started = environment.if_contains("started");
        if (mode != nullptr && mode->is_string() && started != nullptr && started->is_string()) {
            title += ", " + std::string{mode->as_string()} + " run of " +
                     std::string{started->as_string()};
        }
        write_plot_files(cases, dir, title);
        std::printf("parley-bench-report: %zu runs -> %s/results.{json,md}, plot.gp\n", runs.size(),
                    dir.string().c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parley-bench-report: %s\n", e.what());
        return 1;
    }
}
