#include "tls_client.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace parley::bench {

void prepare_tls_client(TlsSocket& stream, const std::string& host) {
    boost::system::error_code not_an_address;
    boost::asio::ip::make_address(host, not_an_address);
    // SSL_set_tlsext_host_name, without the macro's C cast.
    if (not_an_address &&
        SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str())) != 1) {
        throw boost::system::system_error(
            boost::system::error_code(static_cast<int>(::ERR_get_error()),
                                      boost::asio::error::get_ssl_category()),
            "SNI");
    }
    stream.set_verify_mode(boost::asio::ssl::verify_peer);
    stream.set_verify_callback(boost::asio::ssl::host_name_verification(host));
}

std::string describe_tls(TlsSocket& stream) {
    const SSL* ssl = stream.native_handle();
    return std::string{SSL_get_version(ssl)} + " " + SSL_get_cipher_name(ssl);
}

}  // namespace parley::bench
