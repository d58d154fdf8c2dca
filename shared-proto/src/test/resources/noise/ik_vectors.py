#!/usr/bin/env python3
"""Independent reference for ControlHandshakeVectorsTest: Noise_IK_25519_ChaChaPoly_SHA256 with the
prologue "trellis-control-v1", written from the Noise spec (rev 34) with Python's `cryptography`
(X25519, ChaCha20Poly1305) and hashlib/hmac. Prints the hex vectors pinned in the Java test.
Run: python3 ik_vectors.py"""
import hashlib, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization

def pub(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)

def dh(priv, p):
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    return X25519PrivateKey.from_private_bytes(priv).exchange(X25519PublicKey.from_public_bytes(p))

def hkdf2(ck, ikm):
    t = hmac.new(ck, ikm, hashlib.sha256).digest()
    o1 = hmac.new(t, b"\x01", hashlib.sha256).digest()
    o2 = hmac.new(t, o1 + b"\x02", hashlib.sha256).digest()
    return o1, o2

def nonce(n):
    return b"\x00" * 4 + n.to_bytes(8, "little")

class Sym:
    def __init__(self):
        self.h = b"Noise_IK_25519_ChaChaPoly_SHA256"
        self.ck = self.h
        self.k = None
        self.n = 0
        self.mix_hash(b"trellis-control-v1")
    def mix_hash(self, d):
        self.h = hashlib.sha256(self.h + d).digest()
    def mix_key(self, ikm):
        self.ck, self.k = hkdf2(self.ck, ikm)
        self.n = 0
    def enc(self, pt):
        c = ChaCha20Poly1305(self.k).encrypt(nonce(self.n), pt, self.h)
        self.n += 1
        self.mix_hash(c)
        return c

hex_ = lambda b: b.hex()
init_s = bytes(range(1, 33))
init_e = bytes(range(33, 65))
resp_s = bytes(range(65, 97))
resp_e = bytes(range(97, 129))

st = Sym()
st.mix_hash(pub(resp_s))
e = pub(init_e); st.mix_hash(e)
st.mix_key(dh(init_e, pub(resp_s)))
s = st.enc(pub(init_s))
st.mix_key(dh(init_s, pub(resp_s)))
p = st.enc((1).to_bytes(4, "big"))
msg1 = e + s + p
re = pub(resp_e); st.mix_hash(re)
st.mix_key(dh(init_e, re))
st.mix_key(dh(init_s, re))
p2 = st.enc((7).to_bytes(4, "big"))
msg2 = re + p2
k1, k2 = hkdf2(st.ck, b"")
rec1 = ChaCha20Poly1305(k1).encrypt(nonce(0), b"hello coordinator", b"")
rec2 = ChaCha20Poly1305(k2).encrypt(nonce(0), b"hello device", b"")
rec3 = ChaCha20Poly1305(k1).encrypt(nonce(1), b"second", b"")
print("machine public", hex_(pub(init_s)))
print("control public", hex_(pub(resp_s)))
print("msg1", hex_(msg1))
print("msg2", hex_(msg2))
print("handshake hash", hex_(st.h))
print("device record 0", hex_(rec1))
print("device record 1", hex_(rec3))
print("coordinator record 0", hex_(rec2))
