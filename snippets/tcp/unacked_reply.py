# talksite: privileged own-slot timeout=90 waits=3
# talksite: server.tcp_keepalives_idle=1 server.tcp_keepalives_interval=1
# talksite: server.tcp_keepalives_count=1
"""Keepalive is not enough: when the app vanishes while its migration waits for a lock, the
server's answer is never acknowledged, keepalive never starts, and the orphan lives on."""

import os
import socket
import struct
import subprocess
import sys
import time

import lab  # the namespace, the virtual cable and the scissors: snippets/tcp/lab.py
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
if os.environ.get("DATABASE_IS_THROWAWAY") != "1":
    sys.exit("This snippet creates a table: set DATABASE_IS_THROWAWAY=1 to run it on your database")


def app_server() -> None:
    """Runs on the app server: a migration, in a transaction, that must wait for its lock."""
    conn = psycopg.connect(DATABASE_URL)
    print("app: BEGIN; ALTER TABLE accounts ADD COLUMN note text ...", flush=True)
    conn.execute("ALTER TABLE accounts ADD COLUMN note text")
    print("app: done", flush=True)


def first_payload(sniffer: socket.socket) -> bytes:
    """The data in the first TCP segment the database host sends down the cable."""
    while True:
        frame, (_, _, direction, *_) = sniffer.recvfrom(65535)
        ip_header = frame[14:]  # after the Ethernet header
        if direction != socket.PACKET_OUTGOING:
            continue  # received, not sent
        if frame[12:14] != b"\x08\x00" or ip_header[9] != socket.IPPROTO_TCP:
            continue  # not IPv4 + TCP
        tcp = ip_header[(ip_header[0] & 0x0F) * 4 :]
        payload = tcp[(tcp[12] >> 4) * 4 :]
        if payload:
            return payload


def messages(data: bytes) -> list[str]:
    """PostgreSQL protocol messages: a type byte, a 4-byte length, the body."""
    found = []
    while data:
        kind, length = chr(data[0]), struct.unpack("!I", data[1:5])[0]
        body = data[5 : 1 + length].rstrip(b"\0").decode()
        found.append(f"{kind} {body!r}")
        data = data[1 + length :]
    return found


ORPHAN = """
    SELECT a.state, string_agg(DISTINCT l.mode, ', ')
    FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.relation = 'accounts'::regclass
    WHERE a.datname = current_database() AND a.client_addr = %s GROUP BY a.state
"""


def main() -> None:
    # --8<-- [start:unacked]
    with psycopg.connect(DATABASE_URL, autocommit=True) as admin, lab.wired():
        admin.execute("CREATE TABLE accounts (id int PRIMARY KEY)")
        report = psycopg.connect(DATABASE_URL)  # a long report holds a lock on accounts
        report.execute("SELECT count(*) FROM accounts")
        app = lab.start_app(__file__, "app")
        print(app.stdout.readline(), end="")
        query = """SELECT wait_event_type FROM pg_stat_activity
                   WHERE datname = current_database() AND client_addr = %s"""
        while admin.execute(query, (lab.APP_HOST,)).fetchone() != ("Lock",):
            time.sleep(0.05)
        lab.wait_until_acknowledged()  # by the server's kernel (ACKs may be delayed)
        lab.cut()
        app.kill()
        print("cable pulled, app server gone, its migration still waiting for the lock")

        # Protocol 0 hears nothing until bind() names the interface: opened for all protocols,
        # the socket would hear every interface's frames (other programs' too) until then.
        sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        sniffer.bind((lab.HOST_END, 3))  # ETH_P_ALL: every frame on our end of the cable
        report.commit()  # the report ends: the migration gets its lock and answers the app
        sent = first_payload(sniffer)
        print(f"the backend answers into the void, {len(sent)} bytes: {messages(sent)}")

        time.sleep(3)
        state, modes = admin.execute(ORPHAN, (lab.APP_HOST,)).fetchone()
        print(f"3 s later its backend is still there: {state!r}, holding {modes} on accounts")
        ss = [
            "ss",
            "-tnoH",
            "state",
            "established",
            "dst",
            lab.APP_HOST,
            "sport",
            f"= :{admin.info.port}",
        ]
        send_q, *_, timer = subprocess.check_output(ss, text=True).split()[1:]
        kind = timer.removeprefix("timer:(").split(",")[0]
        print(
            f"`ss -tno`: {send_q} bytes unacknowledged, timer {kind!r} (retransmission), "
            "not 'keepalive'"
        )
        # --8<-- [end:unacked]


if __name__ == "__main__":
    if sys.argv[1:] == ["app"]:
        app_server()
    else:
        main()
