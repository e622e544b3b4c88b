#include "config/listener_settings.hpp"

#include <system_error>

namespace parley::config {
namespace {

// A relative path is relative to the file that names it, not to the working directory.
std::filesystem::path file_path(const ConfigNode& node, bool must_be_directory = false) {
    std::filesystem::path path = node.as_string();
    if (path.empty()) {
        node.fail("the path must not be empty");
    }
    if (path.is_relative() && node.location().file) {
        path = std::filesystem::path(*node.location().file).parent_path() / path;
    }
    path = path.lexically_normal();
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (must_be_directory ? !std::filesystem::is_directory(status)
                          : !std::filesystem::is_regular_file(status)) {
        node.fail("'" + path.string() + "' is not " +
                  (must_be_directory ? "a directory" : "a readable file"));
    }
    return path;
}

}  // namespace

TlsSettings parse_tls_settings(const ConfigNode& node) {
    SettingsReader reader(node, "tls settings");
    TlsSettings tls;
    tls.where = node.location();
    tls.certificate = file_path(reader.require("certificate"));
    tls.key = file_path(reader.require("key"));
    if (const ConfigNode* ca = reader.find("client_ca")) {
        tls.client_ca = file_path(*ca);
    }
    const std::string mode =
        reader.get_choice("client_certificates", "none", {"none", "optional", "required"});
    tls.client_certificates = mode == "required"   ? TlsSettings::ClientCertificates::required
                              : mode == "optional" ? TlsSettings::ClientCertificates::optional
                                                   : TlsSettings::ClientCertificates::none;
    if (tls.client_certificates != TlsSettings::ClientCertificates::none && tls.client_ca.empty()) {
        reader.find("client_certificates")
            ->fail("client_certificates: " + mode +
                   " needs client_ca, the CA file client certificates are checked against");
    }
    const std::string user =
        reader.get_choice("client_certificate_user", "none", {"none", "cn", "san"});
    tls.client_certificate_user = user == "cn"    ? TlsSettings::CertificateUser::cn
                                  : user == "san" ? TlsSettings::CertificateUser::san
                                                  : TlsSettings::CertificateUser::none;
    if (tls.client_certificate_user != TlsSettings::CertificateUser::none &&
        tls.client_certificates != TlsSettings::ClientCertificates::required) {
        reader.find("client_certificate_user")
            ->fail("client_certificate_user: " + user + " needs client_certificates: required");
    }
    tls.min_version = reader.get_choice("min_version", tls.min_version, {"1.2", "1.3"});
    tls.ciphers = reader.get_string("ciphers", tls.ciphers);
    reader.finish();
    return tls;
}

WebSocketSettings parse_websocket_settings(const ConfigNode& node) {
    SettingsReader reader(node, "websocket settings");
    WebSocketSettings ws;
    ws.path = reader.get_string("path", ws.path);
    if (ws.path.empty() || ws.path.front() != '/') {
        reader.find("path")->fail("path must start with '/', e.g. /parley");
    }
    if (const ConfigNode* origins = reader.find("allowed_origins")) {
        ws.allowed_origins = origins->as_string_list();
    }
    if (const ConfigNode* files = reader.find("static_files")) {
        ws.static_files = file_path(*files, true);
    }
    reader.finish();
    return ws;
}

}  // namespace parley::config
