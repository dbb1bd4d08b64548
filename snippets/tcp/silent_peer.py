# talksite: privileged own-slot timeout=90 waits=3
"""A TCP connection is open until someone closes it. When the peer vanishes without a word,
a client waiting in recv() keeps waiting: here it is still blocked 3 s later."""

import socket
import subprocess
import sys
import time

import lab  # the namespace, the virtual cable and the scissors: snippets/tcp/lab.py


# --8<-- [start:leak]
def app_server(port: int) -> None:
    """Runs on the app server: connect, read a greeting, then wait for more."""
    conn = socket.create_connection(("127.0.0.1", port))
    keepalive = conn.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
    print(f"app: connected, SO_KEEPALIVE={keepalive} (off: the default)", flush=True)
    print(f"app: received {conn.recv(100)!r}", flush=True)
    print("app: waiting in recv() for the next message...", flush=True)
    data = conn.recv(100)  # no timeout: the socket's default
    print(f"app: recv() returned {data!r}", flush=True)


def kernel_setting(name: str) -> str:
    """A TCP setting of the app server's kernel (a new namespace starts with Linux defaults)."""
    path = f"/proc/sys/net/ipv4/{name}"
    return subprocess.check_output(lab.in_namespace("cat", path), text=True)


def main() -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # the "server", on this machine
    with lab.wired():
        app = lab.start_app(__file__, str(listener.getsockname()[1]))
        server_side, (peer, _) = listener.accept()
        print(f"server: accepted a connection from {peer}")
        print(app.stdout.readline(), end="")
        server_side.sendall(b"hello")
        print(app.stdout.readline(), end="")
        print(app.stdout.readline(), end="")

        lab.cut()
        server_side.close()  # its FIN is lost on the way: the app server never hears of it
        print("server: cable pulled, then closed its end")

        time.sleep(3)
        state = "still blocked in recv()" if app.poll() is None else "finished"
        print(f"3 s later the app is {state}; it would wait forever")

        idle, interval, probes = (
            int(kernel_setting(name))
            for name in ("tcp_keepalive_time", "tcp_keepalive_intvl", "tcp_keepalive_probes")
        )
        print(f"Linux keepalive, if a socket turns it on: first probe after {idle} s idle,")
        print(f"then {probes} probes {interval} s apart: dead after {idle + probes * interval} s")
        # --8<-- [end:leak]


if __name__ == "__main__":
    if len(sys.argv) == 2:
        app_server(int(sys.argv[1]))
    else:
        main()
