#pragma once

#include <string>
#include <string_view>

#include <parley/error.hpp>
#include <parley/handler.hpp>
#include <parley/message_log.hpp>

namespace parley::plugins::handlers {

/// The node's message log; a node without one answers these frames 3001.
inline MessageLog& message_log_for(RequestContext& ctx, std::string_view request_name) {
    MessageLog* log = ctx.node.message_log();
    if (log == nullptr) {
        throw Error(ErrorCode::unknown_type,
                    std::string(request_name) +
                        " needs a message log, and this node runs without one (message_log in "
                        "its YAML)");
    }
    return *log;
}

}  // namespace parley::plugins::handlers
