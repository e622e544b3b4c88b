#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <boost/dll/shared_library.hpp>

#include <parley/host/plugin_loader.hpp>
#include <parley/host/registrations.hpp>
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

/// The PluginHost one plugin's setup sees: every object it registers goes into the program's
/// Registrations, tied to the plugin's library and named after the plugin. Lives only for the
/// duration of one setup call.
class SetupHost final : public PluginHost {
  public:
    SetupHost(const PluginRequest& plugin, Registrations& into, const HostServices& services,
              std::shared_ptr<boost::dll::shared_library> library)
        : plugin_(plugin), into_(into), services_(services), library_(std::move(library)) {}

    void register_object(Registration registration) override {
        if (registration.object) {
            registration.object = hold_library(std::move(registration.object), library_);
        }
        into_.add(plugin_.kind, plugin_.name, std::move(registration));
    }
    asio::any_io_executor executor() override { return services_.executor; }
    const std::string& node_id() const override { return services_.node_id; }
    Node* node() override { return services_.node; }

  private:
    const PluginRequest& plugin_;
    Registrations& into_;
    const HostServices& services_;
    std::shared_ptr<boost::dll::shared_library> library_;
};

}  // namespace parley::host
