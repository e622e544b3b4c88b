#include "static_settings.hpp"

#include <cstdint>
#include <limits>

#include <parley/endpoint.hpp>

namespace parley::plugins::static_registry {

namespace {

ServiceInstance read_instance(const std::string& service, const ConfigNode& item) {
    if (!item.is_map()) {
        item.fail("an instance is a map {id, endpoints, load, metadata}");
    }
    SettingsReader reader(item, "registry-static instance");
    ServiceInstance instance;
    instance.service = service;
    const ConfigNode& id = reader.require("id");
    instance.id = id.as_string();
    if (instance.id.empty()) {
        id.fail("the instance id is empty");
    }

    const ConfigNode& endpoints = reader.require("endpoints");
    if (endpoints.items().empty()) {
        endpoints.fail("instance '" + instance.id +
                       "' lists no endpoints; give at least one \"tcp://host:port\"");
    }
    for (const ConfigNode& endpoint : endpoints.items()) {
        const std::string text = endpoint.as_string();
        if (const std::string problem = service_endpoint_problem(text); !problem.empty()) {
            endpoint.fail("bad endpoint '" + text + "' for instance '" + instance.id +
                          "': " + problem);
        }
        instance.endpoints.push_back(parse_service_endpoint(text).to_string());
    }

    instance.load = static_cast<std::uint32_t>(
        reader.get_int("load", 0, 0, std::numeric_limits<std::uint32_t>::max()));
    if (const ConfigNode* metadata = reader.find("metadata"); metadata && !metadata->is_null()) {
        if (!metadata->is_map()) {
            metadata->fail("metadata is a map of strings, e.g. {version: \"1.4.0\"}");
        }
        for (const auto& [key, value] : metadata->entries()) {
            instance.metadata[key] = value.as_string();
        }
    }
    reader.finish();
    return instance;
}

std::vector<ServiceInstance> read_instances(const std::string& service, const ConfigNode& list) {
    std::vector<ServiceInstance> instances;
    if (list.is_null()) {
        return instances;
    }
    if (!list.is_sequence()) {
        list.fail("the instances of '" + service +
                  "' are a list of {id, endpoints, load, metadata} maps");
    }
    std::map<std::string, SourceLocation> first_seen;
    for (const ConfigNode& item : list.items()) {
        ServiceInstance instance = read_instance(service, item);
        const auto [it, inserted] = first_seen.try_emplace(instance.id, item.location());
        if (!inserted) {
            item.fail("duplicate id '" + instance.id + "' in service '" + service +
                      "'; it is first listed at " + it->second.to_string());
        }
        instances.push_back(std::move(instance));
    }
    return instances;
}

}  // namespace

std::map<std::string, std::vector<ServiceInstance>> read_services(SettingsReader& reader) {
    std::map<std::string, std::vector<ServiceInstance>> services;
    if (const ConfigNode* map = reader.find("services"); map && !map->is_null()) {
        if (!map->is_map()) {
            map->fail("services maps a service name to its instances, e.g. {parley.im: [...]}");
        }
        for (const auto& [service, list] : map->entries()) {
            if (service.empty()) {
                list.fail("a service name is empty");
            }
            services[service] = read_instances(service, list);
        }
    }
    if (const ConfigNode* nodes = reader.find("nodes")) {
        if (const auto* services_node = reader.find("services");
            services_node && services_node->find(kParleyService)) {
            nodes->fail(std::string("nodes lists the instances of ") + kParleyService +
                        ", which services lists too; keep one of them");
        }
        services[kParleyService] = read_instances(kParleyService, *nodes);
    }
    return services;
}

}  // namespace parley::plugins::static_registry
