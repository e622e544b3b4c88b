#pragma once
// Command line of parley-kafka-mock.

#include <filesystem>
#include <string>
#include <vector>

namespace parley::tools {

struct TopicSpec {
    std::string name;
    int partitions = 0;
};

struct MockOptions {
    int brokers = 3;
    std::filesystem::path ready_file;  ///< empty: none
    std::vector<TopicSpec> topics;     ///< created before the cluster is reported ready
    bool exit_with_parent = false;
    bool help = false;
};

/// Parses argv; throws std::invalid_argument with a message fit for the user.
MockOptions parse_mock_options(int argc, char** argv);

/// The --help text.
std::string mock_usage();

}  // namespace parley::tools
