#!/usr/bin/env python3
"""atk_seed_gen.py ROOT BUNDLE OUT -- hostile inputs around the chain memo's
seeded links (Fulcio's intermediate under its root, the TSA's certificate
under its root), for tests/e2e/test_attack_seed.sh.

ROOT is the embedded public-good trusted root (JSON), BUNDLE a v0.3 bundle
whose leaf chains to its Fulcio intermediate. Writes OUT/{ca,tsa}-NAME.json
(trusted roots) and OUT/b-NAME.json (bundles). A stand-in root keeps the real
root's name and KEY but is signed by a throwaway key: the anchor's own
signature is never checked, so the seeded link (keyed by the intermediate's
DER and the issuer's SubjectPublicKeyInfo) is met, and only the stand-in's
constraints decide."""
import base64
import copy
import datetime
import json
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

root_path, bundle_path, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
R = json.load(open(root_path))
B = json.load(open(bundle_path))
UTC = datetime.timezone.utc


def der(c):
    return base64.b64decode(c['rawBytes'])


def enc(d):
    return {'rawBytes': base64.b64encode(d).decode()}


def cert(d):
    return x509.load_der_x509_certificate(d)


def pem(x):
    return x.public_bytes(serialization.Encoding.DER)


atk = ec.generate_private_key(ec.SECP384R1())
other = ec.generate_private_key(ec.SECP384R1())


def stand_in(orig, pub=None, nb=None, na=None, ca=True, pathlen=None,
             ku='cert', nc=None, signer=None):
    pub = pub or orig.public_key()
    b = (x509.CertificateBuilder().subject_name(orig.subject)
         .issuer_name(orig.subject).public_key(pub)
         .serial_number(x509.random_serial_number())
         .not_valid_before(nb or orig.not_valid_before_utc)
         .not_valid_after(na or orig.not_valid_after_utc)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), False))
    if ca is not None:
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen), True)
    if ku == 'cert':
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False,
                                          True, True, False, False), True)
    else:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False,
                                          False, False, False, False), True)
    if nc is not None:
        b = b.add_extension(nc, True)
    return pem(b.sign(signer or atk, hashes.SHA384()))


def T(y):
    return datetime.datetime(y, 1, 1, tzinfo=UTC)


nc_perm = x509.NameConstraints(
    permitted_subtrees=[x509.UniformResourceIdentifier('.example.invalid'),
                        x509.RFC822Name('example.invalid')],
    excluded_subtrees=None)
nc_excl = x509.NameConstraints(
    permitted_subtrees=None,
    excluded_subtrees=[x509.UniformResourceIdentifier('github.com')])


def flip_sig(d):
    return d[:-1] + bytes([d[-1] ^ 1])


CHAINS = {
    'samekey': lambda c: [c[0], stand_in(cert(c[1]))],
    'ca-false': lambda c: [c[0], stand_in(cert(c[1]), ca=False)],
    'ku-nocertsign': lambda c: [c[0], stand_in(cert(c[1]), ku='sig')],
    'pathlen0': lambda c: [c[0], stand_in(cert(c[1]), pathlen=0)],
    'expired': lambda c: [c[0], stand_in(cert(c[1]), nb=T(2020), na=T(2023))],
    'notyet': lambda c: [c[0], stand_in(cert(c[1]), nb=T(2030), na=T(2040))],
    'nc-permitted': lambda c: [c[0], stand_in(cert(c[1]), nc=nc_perm)],
    'nc-excluded': lambda c: [c[0], stand_in(cert(c[1]), nc=nc_excl)],
    'otherkey': lambda c: [c[0], stand_in(cert(c[1]), pub=other.public_key(),
                                          signer=other)],
    'root-only': lambda c: [stand_in(cert(c[1]))],
    'sigflip': lambda c: [flip_sig(c[0]), c[1]],
}
WINDOWS = {
    'validfor-past': {'start': '2022-04-13T20:06:15Z', 'end': '2023-01-01T00:00:00Z'},
    'validfor-future': {'start': '2030-01-01T00:00:00Z'},
}


def entry(r, which):
    # the current Fulcio CA (the seeded intermediate) or the TSA
    if which == 'ca':
        return r['certificateAuthorities'][-1]
    return r['timestampAuthorities'][0]


for which in ('ca', 'tsa'):
    for name, fn in CHAINS.items():
        r = copy.deepcopy(R)
        e = entry(r, which)
        chain = [der(c) for c in e['certChain']['certificates']]
        e['certChain']['certificates'] = [enc(d) for d in fn(chain)]
        json.dump(r, open(os.path.join(out, f'{which}-{name}.json'), 'w'))
    for name, w in WINDOWS.items():
        r = copy.deepcopy(R)
        entry(r, which)['validFor'] = w
        json.dump(r, open(os.path.join(out, f'{which}-{name}.json'), 'w'))

# bundles: the seeded intermediate next to a leaf it did not sign
inter, root = [der(c) for c in entry(R, 'ca')['certChain']['certificates']]
leaf = der(B['verificationMaterial']['certificate'])
L = cert(leaf)
bld = (x509.CertificateBuilder().subject_name(L.subject).issuer_name(L.issuer)
       .public_key(L.public_key()).serial_number(L.serial_number)
       .not_valid_before(L.not_valid_before_utc)
       .not_valid_after(L.not_valid_after_utc))
for ext in L.extensions:
    try:
        bld = bld.add_extension(ext.value, ext.critical)
    except Exception:  # an extension the library cannot re-emit: leave it
        pass
fake = pem(bld.sign(atk, hashes.SHA384()))


def wb(name, b):
    json.dump(b, open(os.path.join(out, f'b-{name}.json'), 'w'))


b = copy.deepcopy(B)
b['verificationMaterial']['certificate'] = enc(fake)
wb('leaf-resigned', b)
b = copy.deepcopy(B)
b['verificationMaterial']['certificate'] = enc(inter)
wb('leaf-is-intermediate', b)
for name, chain in {'chain-fake-inter': [fake, inter],
                    'chain-leaf-inter-root': [leaf, inter, root]}.items():
    b = copy.deepcopy(B)
    b['mediaType'] = 'application/vnd.dev.sigstore.bundle+json;version=0.1'
    vm = b['verificationMaterial']
    del vm['certificate']
    vm['x509CertificateChain'] = {'certificates': [enc(d) for d in chain]}
    wb(name, b)
