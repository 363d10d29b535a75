#!/bin/bash
# The project CA and a certificate for each process, for mutual TLS between them (common/tls.h):
#   deploy/tls/make-certs.sh DIR [NAME...]
# writes DIR/ca.{crt,key} (made once; kept when present) and DIR/NAME.{crt,key} for gateway, registry, stats and
# scoring (CN saima-NAME; DNS NAME, localhost and 127.0.0.1), plus any further NAMEs. Run again to renew the
# processes' certificates under the same CA; delete DIR/ca.* first to rotate the CA itself (README: Rotation).
# Also DIR/token-signing.key (made once): the EC P-256 key the registry signs access tokens with (ES256).
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR [NAME...]}
shift
names=(gateway registry stats scoring "$@")
mkdir -p "$dir"
cd "$dir"
umask 077
if [ ! -s ca.key ] || [ ! -s ca.crt ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 1825 \
    -subj "/O=Saima/CN=Saima project CA" 2>/dev/null
fi
if [ ! -s token-signing.key ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out token-signing.key 2>/dev/null
fi
for name in "${names[@]}"; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj "/O=Saima/CN=saima-$name" 2>/dev/null
  printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' "$name" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 397 -sha256 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
done
# The certificates are public; the keys stay readable by their owner only (containers: see deploy/compose.yaml).
chmod 644 ./*.crt
