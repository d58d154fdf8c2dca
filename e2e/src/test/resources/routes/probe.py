"""A TCP session probe for the routing tests. With SECONDS > 0 it keeps one connection to an
echo_server.py and sends a numbered line every 50 ms, expecting the echo within 300 ms; on a
failure it prints it and connects again at once. Every event is one line with a wall-clock time:
"connected T PEER" (PEER is the address the server saw), "ok T", "fail T REASON". With SECONDS = 0
it connects once and prints the server's greeting ("peer IP"), exiting 1 if it cannot.
Usage: probe.py HOST PORT SECONDS"""
import socket
import sys
import time

HOST, PORT, SECONDS = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
TIMEOUT = 0.3
INTERVAL = 0.05


def connect():
    sock = socket.create_connection((HOST, PORT), timeout=TIMEOUT if SECONDS > 0 else 2)
    sock.settimeout(TIMEOUT if SECONDS > 0 else 2)
    reader = sock.makefile("rb")
    greeting = reader.readline(256).decode().strip()
    if not greeting.startswith("peer "):
        raise OSError("no greeting")
    return sock, reader, greeting[5:]


def once():
    try:
        sock, _, peer = connect()
        sock.close()
    except OSError as e:
        print("fail %s" % type(e).__name__, flush=True)
        sys.exit(1)
    print("peer %s" % peer, flush=True)


def session():
    end = time.time() + SECONDS
    sock = reader = None
    n = 0
    while time.time() < end:
        started = time.time()
        try:
            if sock is None:
                sock, reader, peer = connect()
                print("connected %.3f %s" % (time.time(), peer), flush=True)
            n += 1
            sock.sendall(b"%d\n" % n)
            if reader.readline(64).strip() != b"%d" % n:
                raise OSError("bad echo")
            print("ok %.3f" % time.time(), flush=True)
        except OSError as e:
            print("fail %.3f %s" % (time.time(), type(e).__name__), flush=True)
            if sock is not None:
                sock.close()
            sock = None
        time.sleep(max(0.0, INTERVAL - (time.time() - started)))


if SECONDS > 0:
    session()
else:
    once()
