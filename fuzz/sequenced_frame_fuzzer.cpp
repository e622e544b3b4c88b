// with_sequence (plugins/handler/common/sequenced_frame.hpp) appends seq and server_msg_id to a
// stored chat frame. For any ChatMessage body, the result must parse as that message with
// those two fields set, keep the header's type, sender and receiver, and carry the sender's
// bytes untouched; sequence_of must read the seq back.
#include <algorithm>
#include <cstdint>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>
#include <google/protobuf/stubs/logging.h>
#include <parley.pb.h>

#include "common/sequenced_frame.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    google::protobuf::SetLogHandler(nullptr);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using parley::plugins::handlers::sequence_of;
    using parley::plugins::handlers::with_sequence;
    FuzzedDataProvider input(data, size);
    const auto type = input.ConsumeIntegral<std::uint8_t>();
    const auto sender = input.ConsumeIntegral<std::uint32_t>();
    const auto receiver = input.ConsumeIntegral<std::uint32_t>();
    const auto seq = input.ConsumeIntegral<std::uint64_t>();
    const auto server_msg_id = input.ConsumeIntegral<std::uint64_t>();
    const std::vector<std::uint8_t> body = input.ConsumeRemainingBytes<std::uint8_t>();

    parley::wire::ChatMessage message;
    if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        return 0;  // the handlers store only bodies that parse
    }
    const parley::Frame frame =
        parley::Frame::make(parley::FrameType{type}, sender, receiver, body);
    const parley::Frame out = with_sequence(frame, seq, server_msg_id);

    const auto bytes = out.bytes();
    PARLEY_FUZZ_CHECK(bytes[0] == parley::kFrameMagic);
    PARLEY_FUZZ_CHECK(parley::get_u32(bytes.data() + 1) == bytes.size() - 1);
    PARLEY_FUZZ_CHECK(out.raw_type() == type);
    PARLEY_FUZZ_CHECK(out.sender() == sender);
    PARLEY_FUZZ_CHECK(out.receiver() == receiver);
    PARLEY_FUZZ_CHECK(out.body().size() > body.size());
    PARLEY_FUZZ_CHECK(std::equal(body.begin(), body.end(), out.body().begin()));

    parley::wire::ChatMessage delivered;
    PARLEY_FUZZ_CHECK(out.parse_body(delivered));
    message.set_seq(seq);
    message.set_server_msg_id(server_msg_id);
    PARLEY_FUZZ_CHECK(delivered.SerializeAsString() == message.SerializeAsString());

    const auto read_back = sequence_of(out);
    PARLEY_FUZZ_CHECK(read_back.has_value() == (seq != 0));
    PARLEY_FUZZ_CHECK(!read_back || *read_back == seq);
    return 0;
}
