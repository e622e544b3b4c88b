#pragma once

#include <memory>
#include <string>

#include <boost/dll/shared_library.hpp>

#include <parley/plugin.hpp>

namespace parley::host {

/// Owns `object` together with the library whose code it runs: the object is destroyed first,
/// the library unloaded (if nothing else holds it) only after. This keeps a plugin's code mapped
/// for exactly as long as anything it made is alive.
template <class T>
std::shared_ptr<T> hold_library(std::shared_ptr<T> object,
                                std::shared_ptr<boost::dll::shared_library> library) {
    struct Holder {
        std::shared_ptr<boost::dll::shared_library> library;
        std::shared_ptr<T> object;
        ~Holder() { object.reset(); }
    };
    T* raw = object.get();
    auto holder = std::make_shared<Holder>(Holder{std::move(library), std::move(object)});
    return std::shared_ptr<T>(std::move(holder), raw);
}

/// The PluginHost a plugin's setup sees: forwards to the real host, wrapping every registered
/// object with hold_library. Lives only for the duration of one setup call.
class LibraryHoldingHost final : public PluginHost {
  public:
    LibraryHoldingHost(PluginHost& inner, std::shared_ptr<boost::dll::shared_library> library)
        : inner_(inner), library_(std::move(library)) {}

    void add_handler(FrameType type, std::shared_ptr<Handler> handler) override;
    void add_interceptor(std::shared_ptr<Interceptor> interceptor) override;
    void set_transport(std::shared_ptr<Transport> transport) override;
    void set_store(std::shared_ptr<Store> store) override;
    void set_registry(std::shared_ptr<Registry> registry) override;
    asio::any_io_executor executor() override { return inner_.executor(); }
    const std::string& node_id() const override { return inner_.node_id(); }

  private:
    template <class T>
    std::shared_ptr<T> hold(std::shared_ptr<T> object) const;

    PluginHost& inner_;
    std::shared_ptr<boost::dll::shared_library> library_;
};

}  // namespace parley::host
