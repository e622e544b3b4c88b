// Calls acme.greeter.v1.Greeter/Greet through Parley's client library:
//
//     greeter-client HOST:PORT NAME     prints the greeting; exit 1 with the code on failure
#include <chrono>
#include <iostream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <parley/client/rpc_channel.hpp>

#include "acme/greeter/v1/greeter.pb.h"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: greeter-client HOST:PORT NAME\n";
        return 2;
    }
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    std::thread loop([&io] { io.run(); });
    int status = 0;
    {
        parley::client::RpcChannel channel(io.get_executor(),
                                           parley::client::fixed_targets({argv[1]}));
        acme::greeter::v1::Greeter_Stub greeter(&channel);
        parley::RpcCall call;
        call.set_timeout(std::chrono::seconds(5));
        acme::greeter::v1::GreetRequest request;
        request.set_name(argv[2]);
        acme::greeter::v1::GreetReply reply;
        greeter.Greet(&call, &request, &reply, nullptr);  // waits: this is not io's thread
        if (call.Failed()) {
            std::cerr << "error " << static_cast<unsigned>(call.code()) << " "
                      << parley::to_string(call.code()) << ": " << call.ErrorText() << '\n';
            status = 1;
        } else {
            std::cout << reply.greeting() << '\n';
        }
    }
    work.reset();
    loop.join();
    return status;
}
