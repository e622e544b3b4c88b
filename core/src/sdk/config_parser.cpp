// YAML text -> ConfigNode. yaml-cpp stays behind this file: the SDK does not expose it.
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include <parley/config_node.hpp>

namespace parley {

class ConfigParser {
  public:
    explicit ConfigParser(std::shared_ptr<const std::string> file) : file_(std::move(file)) {}

    ConfigNode convert(const YAML::Node& yaml) const {
        ConfigNode node;
        node.location_ = location(yaml.Mark());
        switch (yaml.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null:
                node.kind_ = ConfigNode::Kind::null;
                break;
            case YAML::NodeType::Scalar:
                node.kind_ = ConfigNode::Kind::scalar;
                node.scalar_ = yaml.Scalar();
                break;
            case YAML::NodeType::Sequence:
                node.kind_ = ConfigNode::Kind::sequence;
                for (const auto& item : yaml) {
                    node.items_.push_back(convert(item));
                }
                break;
            case YAML::NodeType::Map:
                node.kind_ = ConfigNode::Kind::map;
                for (const auto& entry : yaml) {
                    if (!entry.first.IsScalar()) {
                        throw ConfigError(location(entry.first.Mark()),
                                          "map keys must be plain words");
                    }
                    const std::string key = entry.first.Scalar();
                    if (node.find(key) != nullptr) {
                        throw ConfigError(location(entry.first.Mark()),
                                          "key '" + key + "' appears twice in the same map");
                    }
                    ConfigNode value = convert(entry.second);
                    if (value.is_null()) {
                        // An empty value has no mark of its own; point at its key.
                        value.location_ = location(entry.first.Mark());
                    }
                    node.entries_.emplace_back(key, std::move(value));
                }
                break;
        }
        return node;
    }

    SourceLocation location(const YAML::Mark& mark) const {
        if (mark.is_null()) {
            return SourceLocation{file_, 0, 0};
        }
        return SourceLocation{file_, mark.line + 1, mark.column + 1};
    }

  private:
    std::shared_ptr<const std::string> file_;
};

namespace {

ConfigNode parse(std::string_view text, std::string source_name) {
    const ConfigParser parser(std::make_shared<const std::string>(std::move(source_name)));
    try {
        const YAML::Node root = YAML::Load(std::string{text});
        return parser.convert(root);
    } catch (const YAML::Exception& e) {
        throw ConfigError(parser.location(e.mark), "invalid YAML: " + e.msg);
    }
}

}  // namespace

ConfigNode ConfigNode::parse_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError(SourceLocation{std::make_shared<const std::string>(path.string())},
                          "cannot read the file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), path.string());
}

ConfigNode ConfigNode::parse_string(std::string_view text, std::string source_name) {
    return parse(text, std::move(source_name));
}

}  // namespace parley
