#!/bin/bash
# Forges the chains for the memo attack (openssl CLI only).
set -e
cd "$(dirname "$0")"
k() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
k r.key; k i.key; k l.key; k l2.key
cat > ext.cnf <<'X'
[root]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[inter]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[inter_noks]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[inter_noca]
basicConstraints=critical,CA:FALSE
keyUsage=critical,keyCertSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[inter_nc]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
nameConstraints=critical,excluded;email:.example.com
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
subjectAltName=email:a@x.example.com
authorityKeyIdentifier=keyid
X
openssl req -new -x509 -key r.key -subj /CN=root -days 3650 -extensions root -config <(cat /etc/ssl/openssl.cnf ext.cnf) -out r.pem 2>/dev/null
openssl req -new -key i.key -subj /CN=inter -out i.csr 2>/dev/null
mk_i() { # name ext [openssl x509 date opts]
 openssl x509 -req -in i.csr -CA r.pem -CAkey r.key -set_serial $RANDOM$RANDOM -extfile ext.cnf -extensions $2 "${@:3}" -out $1.pem 2>/dev/null; }
mk_i i inter -days 3000
mk_i i_noks inter_noks -days 3000
mk_i i_noca inter_noca -days 3000
mk_i i_nc inter_nc -days 3000
mk_i i_exp inter -not_before 20200101000000Z -not_after 20200201000000Z 2>/dev/null || mk_i i_exp inter -days 1
openssl req -new -key l.key -subj /CN=leaf -out l.csr 2>/dev/null
openssl x509 -req -in l.csr -CA i.pem -CAkey i.key -set_serial 7 -extfile ext.cnf -extensions leaf -days 30 -out l.pem 2>/dev/null
# 70 distinct leaves for the flood
for n in $(seq 1 70); do openssl x509 -req -in l.csr -CA i.pem -CAkey i.key -set_serial $((100+n)) -extfile ext.cnf -extensions leaf -days 30 -out f$n.pem 2>/dev/null; done
# leaf with the same TBS, signature bytes corrupted (DER edit at the tail)
openssl x509 -in l.pem -outform DER -out l.der
python3 - <<'P'
d=bytearray(open('l.der','rb').read()); d[-5]^=0x01; open('lbad.der','wb').write(d)
P
openssl x509 -in lbad.der -inform DER -out lbad.pem 2>/dev/null || cp l.pem lbad.pem
