// Differential: the in-place ChatMessage scan (plugins/handler/common/chat_message_scan.hpp)
// against protobuf's own parser. For any body, both accept or both refuse, and when they
// accept, they read the same client_msg_id. A body the scan lets through that protobuf would
// refuse reaches recipients as a message their clients cannot parse.
#include <cstdint>
#include <span>

#include <google/protobuf/stubs/logging.h>
#include <parley.pb.h>

#include "common/chat_message_scan.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    // Protobuf logs each string that is not UTF-8; thousands a second are no use here.
    google::protobuf::SetLogHandler(nullptr);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto scanned =
        parley::plugins::handlers::chat_message_id(std::span<const std::uint8_t>(data, size));
    parley::wire::ChatMessage parsed;
    const bool parses = parsed.ParseFromArray(data, static_cast<int>(size));
    if (scanned.has_value() != parses) {
        std::fprintf(stderr, "scan %s, protobuf %s\n", scanned ? "accepts" : "refuses",
                     parses ? "accepts" : "refuses");
    }
    PARLEY_FUZZ_CHECK(scanned.has_value() == parses);
    if (parses) {
        PARLEY_FUZZ_CHECK(*scanned == parsed.client_msg_id());
    }
    return 0;
}
