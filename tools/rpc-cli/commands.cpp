#include "commands.hpp"

#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "json_messages.hpp"
#include "reflected_services.hpp"
#include "tool_error.hpp"

namespace parley::rpc_cli {
namespace {

std::string read_all(std::istream& in) {
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The request's JSON: the argument, -d TEXT, -d @- (stdin) or -d @FILE; {} when none.
std::string request_json(const RpcOptions& options, std::istream& in) {
    if (options.arguments.size() == 2) {
        return options.arguments[1];
    }
    if (!options.data) {
        return "{}";
    }
    const std::string& data = *options.data;
    if (data == "@-") {
        return read_all(in);
    }
    if (data.starts_with("@")) {
        std::ifstream file(data.substr(1));
        if (!file) {
            throw ToolError(ExitStatus::usage, "cannot read the request from " + data.substr(1));
        }
        return read_all(file);
    }
    return data;
}

}  // namespace

void run_list(ToolChannel& channel, const RpcOptions& options, std::ostream& out) {
    const ReflectedServices services(channel.list_services());
    if (options.arguments.empty()) {
        for (const auto& name : services.names()) {
            out << name << '\n';
        }
        return;
    }
    const auto& service = services.service(options.arguments[0]);
    for (int i = 0; i < service.method_count(); ++i) {
        const auto* method = service.method(i);
        out << service.full_name() << '/' << method->name() << '('
            << method->input_type()->full_name() << ") returns ("
            << method->output_type()->full_name() << ")\n";
    }
}

void run_describe(ToolChannel& channel, const RpcOptions& options, std::ostream& out) {
    const ReflectedServices services(channel.list_services());
    out << services.describe(options.arguments[0]);
}

void run_call(ToolChannel& channel, const RpcOptions& options, std::istream& in,
              std::ostream& out) {
    const ReflectedServices services(channel.list_services());
    const auto& method = services.method(options.arguments[0]);
    JsonMessages messages;
    const auto request = messages.parse(*method.input_type(), request_json(options, in));
    const auto reply = messages.empty(*method.output_type());
    channel.call(method, *request, *reply);
    out << JsonMessages::print(*reply, options.compact) << '\n';
}

}  // namespace parley::rpc_cli
