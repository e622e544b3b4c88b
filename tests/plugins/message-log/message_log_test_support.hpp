#pragma once
// What the message-log tests share: frames that say which message they are, and the SPI's
// calls in straight-line form.

#include <cstdint>
#include <string>
#include <vector>

#include <parley/frame.hpp>
#include <parley/message_log.hpp>

#include "plugins/run_awaitable.hpp"

namespace parley::test {

/// A private message frame whose body is `text`, sent by `sender`.
inline Frame text_frame(UserId sender, const std::string& text) {
    const std::vector<std::uint8_t> body(text.begin(), text.end());
    return Frame::make(FrameType::private_message, sender, 0, body);
}

inline std::string text_of(const Frame& frame) {
    const auto body = frame.body();
    return std::string(body.begin(), body.end());
}

inline AppendResult append_text(MessageLog& log, Conversation conversation, UserId sender,
                                std::uint64_t client_msg_id, const std::string& text) {
    return run_awaitable(log.append(conversation, sender, client_msg_id, text_frame(sender, text)));
}

inline std::vector<std::uint64_t> seqs_of(const MessagePage& page) {
    std::vector<std::uint64_t> seqs;
    for (const StoredMessage& message : page.messages) {
        seqs.push_back(message.seq);
    }
    return seqs;
}

}  // namespace parley::test
