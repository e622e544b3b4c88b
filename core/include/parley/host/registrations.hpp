#pragma once
// What plugins registered, for programs that host them (parleyd, the client library, tests).
// Plugins themselves never include this.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <parley/plugin.hpp>

namespace parley::host {

/// A plugin could not be loaded or set up. what() names the plugin, and for a missing file the
/// paths tried, and what to do.
class PluginError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
    ~PluginError() override;
    PluginError(const PluginError&) = default;
    PluginError& operator=(const PluginError&) = default;
};

/// How many objects of one kind a program takes.
enum class Cardinality {
    one,   ///< at most one (a transport); a second is an error
    many,  ///< any number, kept in registration order (interceptors; handlers, keyed)
};

/// One kind of object a program hosts: the host's whole table of kinds is a list of these, so a
/// new kind is one more line where the program builds its Registrations.
struct KindRule {
    std::string kind;  ///< an SDK interface's kPluginKind
    Cardinality cardinality = Cardinality::many;
    /// False: only plugins of this same kind may register it (a handler plugin registers
    /// handlers). True: any plugin may (an envelope handler beside a service).
    bool from_any_plugin = false;
};

/// One registered object, with the plugin that registered it.
struct Registered {
    std::string kind;
    std::shared_ptr<void> object;  ///< points to the interface `kind` names
    std::uint32_t key = 0;
    std::string owner;  ///< "handler plugin 'dice'", for messages
};

template <class T>
struct RegisteredAs {
    std::shared_ptr<T> object;
    std::uint32_t key = 0;
    std::string owner;
};

/// Collects what plugins register, checking every registration against the program's table of
/// kinds. Filled on the main thread at start-up (PluginLoader::load); read afterwards.
class Registrations {
  public:
    /// `program` names the host in messages: "parleyd", "the client".
    Registrations(std::vector<KindRule> rules, std::string program);

    /// Takes one registration from the plugin `plugin_kind`/`plugin_name`. Throws PluginError
    /// for a kind this program does not host, a kind this plugin may not register, a second
    /// object of a `one` kind, or a null object.
    void add(const std::string& plugin_kind, const std::string& plugin_name,
             Registration registration);

    /// Every object registered as `T`, in registration order.
    template <class T>
    std::vector<RegisteredAs<T>> all() const {
        std::vector<RegisteredAs<T>> out;
        for (const Registered& item : items_) {
            if (item.kind == T::kPluginKind) {
                out.push_back({std::static_pointer_cast<T>(item.object), item.key, item.owner});
            }
        }
        return out;
    }
    /// The object registered as `T`, or nullptr.
    template <class T>
    std::shared_ptr<T> one() const {
        const auto found = all<T>();
        return found.empty() ? nullptr : found.front().object;
    }

    const std::string& program() const noexcept { return program_; }

  private:
    const KindRule* rule_for(std::string_view kind) const noexcept;

    std::vector<KindRule> rules_;
    std::string program_;
    std::vector<Registered> items_;
};

}  // namespace parley::host
