"""A TCP echo server for the routing tests: greets each connection with the address it came
from ("peer <ip>"), then echoes every line back. Usage: echo_server.py BIND_IP PORT"""
import socket
import sys
import threading


def serve(conn, addr):
    conn.settimeout(60)
    try:
        conn.sendall(("peer %s\n" % addr[0]).encode())
        reader = conn.makefile("rb")
        while True:
            line = reader.readline(1024)
            if not line:
                return
            conn.sendall(line)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((sys.argv[1], int(sys.argv[2])))
    server.listen(64)
    print("listening", flush=True)
    while True:
        conn, addr = server.accept()
        threading.Thread(target=serve, args=(conn, addr), daemon=True).start()


main()
