#!/usr/bin/env python3
"""A minimal TermChat protocol client for tests/scripts/disk-full.sh, built from docs/PROTOCOL.md by hand.

  disk-full-client.py fill PORT FILLER RECORD  fill the disk while sending; expect StorageUnavailable, the server
                                               still answering; free the space; expect messages accepted again.
                                               Writes what was acknowledged and what refused to RECORD.
  disk-full-client.py verify PORT RECORD       a new client joins the room: its replay holds every acknowledged
                                               text exactly once, in order, and no refused one.
"""
import errno
import os
import socket
import struct
import sys
import time

ROOM = "#full"
STORAGE_UNAVAILABLE = 23
HELLO, JOIN, SEND, PING, PONG = 0x01, 0x02, 0x04, 0x20, 0x21
WELCOME, ROOM_MESSAGE, HISTORY_END, ERROR = 0x81, 0x82, 0x8A, 0x8E
TIMEOUT = 15.0


def fail(text):
    print(f"disk-full-client: FAIL: {text}", file=sys.stderr)
    sys.exit(1)


def string(text):
    raw = text.encode()
    return struct.pack(">H", len(raw)) + raw


class Reader:
    def __init__(self, payload):
        self.payload, self.at = payload, 0

    def take(self, n):
        part = self.payload[self.at:self.at + n]
        self.at += n
        return part

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack(">H", self.take(2))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def str(self):
        return self.take(self.u16()).decode()


class Client:
    def __init__(self, port, nick):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""
        self.echoed = set()
        self.send(HELLO, b"TCHT" + struct.pack(">H", 1) + string(nick) + bytes(16) + struct.pack(">H", 0))
        kind, payload = self.expect(lambda k, p: k in (WELCOME, ERROR))
        if kind == ERROR:
            fail(f"the server refused the hello: {Reader(payload).str()}")

    def send(self, kind, payload):
        self.sock.sendall(struct.pack(">IB", len(payload) + 1, kind) + payload)

    def receive(self, deadline, soft=False):
        """The next frame; on timeout (None, None) when soft, else the test fails."""
        while True:
            if len(self.buffer) >= 4:
                (length,) = struct.unpack(">I", self.buffer[:4])
                if len(self.buffer) >= 4 + length:
                    kind, payload = self.buffer[4], self.buffer[5:4 + length]
                    self.buffer = self.buffer[4 + length:]
                    if kind == PING:
                        self.send(PONG, payload)
                    if kind == ROOM_MESSAGE:
                        self.echoed.add(echo_text(payload))
                    return kind, payload
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise socket.timeout()
                self.sock.settimeout(left)
                data = self.sock.recv(65536)
            except socket.timeout:
                if soft:
                    return None, None
                fail("nothing expected arrived in time")
            if not data:
                fail("the server closed the connection")
            self.buffer += data

    def expect(self, match, timeout=TIMEOUT, or_none=False):
        deadline = time.monotonic() + timeout
        while True:
            kind, payload = self.receive(deadline, soft=or_none)
            if kind is None or match(kind, payload):
                return kind, payload

    def join(self):
        """Joins ROOM and returns the texts of the replayed messages, in order."""
        self.send(JOIN, string(ROOM))
        texts = []
        while True:
            # The lobby's replay, sent at the hello, may come first: only ROOM's counts.
            kind, payload = self.expect(lambda k, p: k in (ROOM_MESSAGE, HISTORY_END) and Reader(p).str() == ROOM)
            if kind == HISTORY_END:
                return texts
            r = Reader(payload)
            if r.str() == ROOM:
                r.u64(), r.u64(), r.str(), r.u8()
                texts.append(r.str())

    def say(self, text, timeout=TIMEOUT):
        """Sends a message: "echo" when its echo arrives, "refused" when it is refused for storage, "pending" when
        neither comes within the timeout (it was taken just before the disk filled, and waits to be written)."""
        self.send(SEND, string(ROOM) + bytes([0]) + string(text))
        kind, payload = self.expect(lambda k, p: k == ERROR or (k == ROOM_MESSAGE and echo_text(p) == text), timeout, or_none=True)
        if kind is None:
            return "pending"
        if kind == ERROR:
            r = Reader(payload)
            code, why = r.u16(), r.str()
            if code != STORAGE_UNAVAILABLE:
                fail(f"error {code} ({why}) instead of StorageUnavailable")
            return "refused"
        return "echo"

    def ping(self, nonce):
        self.send(PING, struct.pack(">Q", nonce))
        self.expect(lambda k, p: k == PONG and struct.unpack(">Q", p)[0] == nonce)


def echo_text(payload):
    r = Reader(payload)
    r.str(), r.u64(), r.u64(), r.str(), r.u8()
    return r.str()


def fill(port, filler, record_path):
    client = Client(port, "filler")
    client.join()
    sent, refused = [], []
    for n in range(20):
        text = f"before {n:04d} " + "x" * 200
        sent.append(text)
        if client.say(text) != "echo":
            fail("a message was not acknowledged before the disk was full")
    # Fill every byte the file system has left. Unbuffered: a buffered file would raise ENOSPC again when it closes,
    # flushing what the full disk refused.
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise
    # Messages keep coming; the data file and its WAL need room soon, and from then on every one is refused. The
    # message whose write failed was taken before: it waits in the server, unacknowledged, to be written later.
    for n in range(5000):
        text = f"full {n:04d} " + "y" * 1000
        answer = client.say(text, timeout=3)
        if answer == "refused":
            refused.append(text)
            break
        sent.append(text)
    if not refused:
        fail("5000 messages of 1 KB were all accepted on a full 2 MB disk")
    # Refused, not dead: the server answers, and keeps refusing while the disk stays full.
    client.ping(1)
    text = "still full " + "z" * 1000
    if client.say(text, timeout=3) != "refused":
        fail("a message was not refused while the disk was still full")
    refused.append(text)
    print(f"disk-full-client: refused after {len(client.echoed)} acknowledged messages; freeing space")
    os.remove(filler)
    deadline = time.monotonic() + TIMEOUT
    for attempt in range(1000):
        text = f"after, attempt {attempt}"
        answer = client.say(text, timeout=3)
        if answer == "echo":
            sent.append(text)
            break
        if answer == "pending":
            fail("a message was neither refused nor acknowledged after space was freed")
        refused.append(text)
        if time.monotonic() > deadline:
            fail("messages were still refused 15 s after space was freed")
        time.sleep(0.2)
    for n in range(5):
        text = f"after more {n}"
        sent.append(text)
        if client.say(text) != "echo":
            fail("a message was not acknowledged after the recovery")
    # Whatever was taken and not refused has been written by now: its echo came, if late.
    unacked = [t[:20] for t in sent if t not in client.echoed]
    if unacked:
        fail(f"messages taken before the disk filled were never written after the recovery: {unacked}")
    with open(record_path, "w") as f:
        f.write("".join(f"A\t{t}\n" for t in sent) + "".join(f"R\t{t}\n" for t in refused))
    print(f"disk-full-client: accepted again; {len(sent)} acknowledged, {len(refused)} refused")


def verify(port, record_path):
    with open(record_path) as f:
        lines = [line.split("\t", 1) for line in f.read().splitlines()]
    acked = [text for mark, text in lines if mark == "A"]
    refused = [text for mark, text in lines if mark == "R"]
    replay = Client(port, "checker").join()
    if any(text in replay for text in refused):
        fail("a refused message is in the history")
    for text in set(replay):
        if replay.count(text) != 1:
            fail(f"{text[:20]!r} is in the history {replay.count(text)} times")
    positions = [replay.index(t) if t in replay else -1 for t in acked]
    missing = [t[:20] for t, p in zip(acked, positions) if p < 0]
    if missing:
        fail(f"{len(missing)} acknowledged messages are missing after the restart, e.g. {missing[:3]}")
    if positions != sorted(positions):
        fail("the acknowledged messages are out of order after the restart")
    print(f"disk-full-client: all {len(acked)} acknowledged messages are in the history after the restart, once, in order")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "fill":
        fill(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "verify":
        verify(int(sys.argv[2]), sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
