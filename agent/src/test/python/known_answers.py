#!/usr/bin/env python3
"""Independent known answers for the agent's wire formats.

Computes, from the published formulas and with Python's own crypto (the `cryptography` package
for X25519, ChaCha20-Poly1305 and HKDF; hashlib for BLAKE2s; a HChaCha20 written here from the
XChaCha draft and checked against its test vector), the exact bytes that
DiscoVectorsTest and HandshakeVectorsTest pin:

  * disco: the plaintext of each message and one sealed ping (fixed keys and nonce);
  * WireGuard: an initiation, its response, the first keepalive, a cookie reply and the MAC2
    that the cookie then gives the initiation (fixed static and ephemeral keys, timestamp,
    indices, cookie secret and nonce).

Run: python3 agent/src/test/python/known_answers.py
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

# RFC 7748 section 6.1 keys
ALICE = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
BOB = bytes.fromhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")


def pub(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)


def dh(priv, pub_):
    return X25519PrivateKey.from_private_bytes(priv).exchange(X25519PublicKey.from_public_bytes(pub_))


def rotl(v, n):
    return ((v << n) & 0xFFFFFFFF) | (v >> (32 - n))


def hchacha20(key, nonce16):
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    s += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))

    def qr(a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)

    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


# draft-irtf-cfrg-xchacha-03 section 2.2.1
assert hchacha20(bytes(range(32)), bytes.fromhex("000000090000004a0000000031415927")).hex() == (
    "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc")


def xseal(key, nonce24, plain, ad):
    return ChaCha20Poly1305(hchacha20(key, nonce24[:16])).encrypt(b"\0" * 4 + nonce24[16:], plain, ad)


def seal(key, counter, plain, ad):
    return ChaCha20Poly1305(key).encrypt(b"\0" * 4 + struct.pack("<Q", counter), plain, ad)


# ---- disco -------------------------------------------------------------------------------------
MAGIC = b"TRL\xf0\x9f\xac"
TX = bytes(range(12))
NODE_KEY = bytes(range(1, 33))


def endpoint(ip16, port):
    return ip16 + struct.pack(">H", port)


V4_203_0_113_7 = b"\0" * 10 + b"\xff\xff" + bytes([203, 0, 113, 7])
V6_2001_DB8__1 = bytes.fromhex("20010db8000000000000000000000001")
ping = b"\x01\x00" + TX + NODE_KEY
pong4 = b"\x02\x00" + TX + endpoint(V4_203_0_113_7, 41641)
pong6 = b"\x02\x00" + TX + endpoint(V6_2001_DB8__1, 1)
cmm = b"\x03\x00" + endpoint(V4_203_0_113_7, 41641) + endpoint(V6_2001_DB8__1, 1)
print("disco ping         ", ping.hex())
print("disco pong v4      ", pong4.hex())
print("disco pong v6      ", pong6.hex())
print("disco call-me-maybe", cmm.hex())

box_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"trellis-disco-v1", info=b"box").derive(
    dh(ALICE, pub(BOB)))
nonce = bytes(range(0x40, 0x58))
sealed = MAGIC + pub(ALICE) + nonce + xseal(box_key, nonce, ping, MAGIC + pub(ALICE))
print("disco sealed ping  ", sealed.hex())

# ---- WireGuard ---------------------------------------------------------------------------------


def HASH(*parts):
    return hashlib.blake2s(b"".join(parts)).digest()


def MAC(key, data):
    return hashlib.blake2s(data, key=key, digest_size=16).digest()


def HMAC(key, data):
    return hmac.new(key, data, hashlib.blake2s).digest()


def KDF(n, key, data):
    t0 = HMAC(key, data)
    out, prev = [], b""
    for i in range(1, n + 1):
        prev = HMAC(t0, prev + bytes([i]))
        out.append(prev)
    return out


def clamp(k):
    k = bytearray(k)
    k[0] &= 248; k[31] &= 127; k[31] |= 64
    return bytes(k)


S_I, S_R = clamp(ALICE), clamp(BOB)          # the node keys clamp their bytes
E_I, E_R = bytes([0x11] * 32), bytes([0x22] * 32)
S_I_PUB, S_R_PUB = pub(S_I), pub(S_R)
PSK = b"\0" * 32
I_INDEX, R_INDEX = 0x01020304, 0x0A0B0C0D
# 2026-01-01T00:00:00.123456789Z; wireguard-go keeps only the nanoseconds' top bits
SECS, NANOS = 1767225600, 123456789
TAI64N = struct.pack(">QI", 0x400000000000000A + SECS, NANOS & ~0xFFFFFF)

C = HASH(b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s")
H = HASH(C, b"WireGuard v1 zx2c4 Jason@zx2c4.com")
H = HASH(H, S_R_PUB)
e_i_pub = pub(E_I)
C = KDF(1, C, e_i_pub)[0]
H = HASH(H, e_i_pub)
C, k = KDF(2, C, dh(E_I, S_R_PUB))
enc_static = seal(k, 0, S_I_PUB, H)
H = HASH(H, enc_static)
C, k = KDF(2, C, dh(S_I, S_R_PUB))
enc_ts = seal(k, 0, TAI64N, H)
H = HASH(H, enc_ts)
init = struct.pack("<BxxxI", 1, I_INDEX) + e_i_pub + enc_static + enc_ts
mac1 = MAC(HASH(b"mac1----", S_R_PUB), init)
init = init + mac1 + b"\0" * 16
print("wg initiation      ", init.hex())

e_r_pub = pub(E_R)
C = KDF(1, C, e_r_pub)[0]
H = HASH(H, e_r_pub)
C = KDF(1, C, dh(E_R, e_i_pub))[0]
C = KDF(1, C, dh(E_R, S_I_PUB))[0]
C, tau, k = KDF(3, C, PSK)
H = HASH(H, tau)
enc_nothing = seal(k, 0, b"", H)
resp = struct.pack("<BxxxII", 2, R_INDEX, I_INDEX) + e_r_pub + enc_nothing
resp = resp + MAC(HASH(b"mac1----", S_I_PUB), resp) + b"\0" * 16
print("wg response        ", resp.hex())

t_send_i, t_recv_i = KDF(2, C, b"")
keepalive = struct.pack("<BxxxIQ", 4, R_INDEX, 0) + seal(t_send_i, 0, b"", None)
print("wg keepalive       ", keepalive.hex())

SECRET, COOKIE_NONCE = bytes([0x33] * 32), bytes([0x44] * 24)
SOURCE = bytes([192, 0, 2, 1]) + struct.pack("<H", 51820)
cookie = MAC(SECRET, SOURCE)
reply = struct.pack("<BxxxI", 3, I_INDEX) + COOKIE_NONCE + xseal(
    HASH(b"cookie--", S_R_PUB), COOKIE_NONCE, cookie, mac1)
print("wg cookie reply    ", reply.hex())
print("wg mac2 with cookie", MAC(cookie, init[:132]).hex())
