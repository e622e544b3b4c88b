#include <algorithm>

#include <parley/host/registrations.hpp>

namespace parley::host {

Registrations::Registrations(std::vector<KindRule> rules, std::string program)
    : rules_(std::move(rules)), program_(std::move(program)) {}

const KindRule* Registrations::rule_for(std::string_view kind) const noexcept {
    const auto found = std::find_if(rules_.begin(), rules_.end(),
                                    [kind](const KindRule& r) { return r.kind == kind; });
    return found == rules_.end() ? nullptr : &*found;
}

void Registrations::add(const std::string& plugin_kind, const std::string& plugin_name,
                        Registration registration) {
    const std::string owner = plugin_kind + " plugin '" + plugin_name + "'";
    const std::string kind{registration.kind};
    if (!registration.object) {
        throw PluginError(owner + " registered a null " + kind);
    }
    const KindRule* rule = rule_for(kind);
    if (rule == nullptr) {
        std::string hosted;
        for (const KindRule& r : rules_) {
            hosted += (hosted.empty() ? "" : ", ") + r.kind;
        }
        throw PluginError(owner + " registered a " + kind + ", but " + program_ +
                          " hosts only: " + hosted + "; name a plugin of one of those kinds");
    }
    if (!rule->from_any_plugin && plugin_kind != kind) {
        throw PluginError(owner + " tried to register a " + kind + ", which only a " + kind +
                          " plugin may do");
    }
    if (rule->cardinality == Cardinality::one) {
        const auto first = std::find_if(items_.begin(), items_.end(),
                                        [&kind](const Registered& r) { return r.kind == kind; });
        if (first != items_.end()) {
            throw PluginError(owner + " registered a second " + kind + " (" + first->owner +
                              " registered the first); " + program_ + " uses one");
        }
    }
    items_.push_back(Registered{kind, std::move(registration.object), registration.key, owner});
}

}  // namespace parley::host
