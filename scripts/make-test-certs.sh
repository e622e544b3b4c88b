#!/usr/bin/env bash
# Makes a throw-away PKI for trying TLS locally: a CA, a server certificate for localhost and
# 127.0.0.1, and client certificates whose CN is a user id (for client_certificate_user: cn).
# Keys are unencrypted and the CA is trusted by nothing but what you point at it: never use
# these outside a test setup.
#
#   make-test-certs.sh DIR [USER_ID]...    (default users: 1 2)
#
# Writes DIR/ca.crt, DIR/server.{crt,key} and DIR/user-<id>.{crt,key}. Needs the openssl
# command (Debian package openssl).
set -euo pipefail

if (($# < 1)); then
    echo "usage: $0 DIR [USER_ID]..." >&2
    exit 2
fi
dir=$1
shift
users=("$@")
((${#users[@]})) || users=(1 2)
command -v openssl >/dev/null || { echo "make-test-certs: needs openssl (apt-get install openssl)" >&2; exit 1; }

mkdir -p "$dir"
cd "$dir"
umask 077
days=30

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# sign NAME SUBJECT EXTENSIONS: a certificate for NAME.key signed by the CA.
sign() {
    key "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    printf '%s\n' "$3" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
        -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
}

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/O=Parley test/CN=Parley test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out ca.crt

sign server "/O=Parley test/CN=localhost" \
    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth"
for user in "${users[@]}"; do
    sign "user-$user" "/O=Parley test/CN=$user" "extendedKeyUsage=clientAuth"
done
chmod 644 ./*.crt
echo "make-test-certs: wrote $(cd "$dir" && pwd): ca.crt, server.crt/.key, ${users[*]/#/user-}.crt/.key (valid $days days)"
