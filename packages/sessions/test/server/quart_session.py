"""Reads and writes session records the way Quart-Session 3 does, for Flagon's interop tests (quart-session.ts).

Quart-Session itself is not in Debian; this is its storage code, line for line (quart-behaviour.md section 4):
the record is Flask's tagged JSON (quart.json.tag is Flask's) as a str under SESSION_KEY_PREFIX + sid; Redis
gets SETEX with the lifetime in seconds; Memcached gets the lifetime as exptime, an absolute Unix time past 30
days (aiomcache's rule, spoken here over memcached's text protocol). With SESSION_USE_SIGNER the cookie is
itsdangerous.Signer(SECRET_KEY, salt="quart-session", key_derivation="hmac").sign(sid).

Usage: quart_session.py write|read|update|logout with one JSON request on stdin; writes one JSON answer.
"""
import json
import socket
import sys
import time
import uuid
from datetime import datetime, timezone

import itsdangerous
import redis
from flask.json.tag import TaggedJSONSerializer

serializer = TaggedJSONSerializer()
THIRTY_DAYS = 30 * 24 * 60 * 60


class Memcached:
    """get/set over memcached's text protocol, which is all Quart-Session asks of aiomcache."""

    def __init__(self, address):
        host, port = address.split(":")
        self.sock = socket.create_connection((host, int(port)))
        self.file = self.sock.makefile("rb")

    def get(self, key):
        self.sock.sendall(b"get " + key.encode() + b"\r\n")
        line = self.file.readline()
        if line == b"END\r\n":
            return None
        size = int(line.split()[3])
        value = self.file.read(size + 2)[:-2]
        self.file.readline()  # END
        return value.decode("utf-8")

    def setex(self, key, lifetime, value):
        exptime = lifetime if lifetime <= THIRTY_DAYS else int(time.time()) + lifetime
        data = value.encode("utf-8")
        self.sock.sendall(b"set %s 0 %d %d\r\n%s\r\n" % (key.encode(), exptime, len(data), data))
        assert self.file.readline() == b"STORED\r\n"

    def delete(self, key):
        self.sock.sendall(b"delete " + key.encode() + b"\r\n")
        self.file.readline()

    def ttl(self, key):
        return None


def store(request):
    address = request["address"]
    if address.startswith("redis://"):
        return redis.Redis.from_url(address, decode_responses=True)
    return Memcached(address)


def signer(request):
    return itsdangerous.Signer(request["secret"], salt="quart-session", key_derivation="hmac")


def sid_of(request):
    cookie = request["cookie"]
    if request.get("secret"):
        return signer(request).unsign(cookie).decode("utf-8")
    return cookie


def describe(value):
    """Each value with its Python type, so the test sees what Quart would hand the app."""
    if isinstance(value, tuple):
        return ["tuple", [describe(v) for v in value]]
    if isinstance(value, datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, bytes):
        return ["bytes", value.hex()]
    if isinstance(value, uuid.UUID):
        return ["uuid", str(value)]
    if isinstance(value, dict):
        return ["dict", {k: describe(v) for k, v in value.items()}]
    if isinstance(value, list):
        return ["list", [describe(v) for v in value]]
    return [type(value).__name__, value]


def save(request, client, sid, data):
    # Quart-Session's save_session: the whole dict, SETEX with the lifetime.
    key = request["prefix"] + sid
    record = serializer.dumps(dict(data))
    client.setex(key, request["lifetime"], record)
    return record


def write(request):
    client = store(request)
    sid = str(uuid.uuid4())
    data = {
        "_permanent": True,
        "user": "ann",
        "cart": ("apple", 3),
        "when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        "blob": b"\x00\x01\xff",
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "name": "Zoë 🍰",
        "nested": {"a": [1, 2.5, None, True]},
    }
    record = save(request, client, sid, data)
    cookie = signer(request).sign(sid).decode("utf-8") if request.get("secret") else sid
    return {"sid": sid, "cookie": cookie, "record": record}


def read(request):
    client = store(request)
    sid = sid_of(request)
    key = request["prefix"] + sid
    record = client.get(key)
    ttl = client.ttl(key)
    data = None if record is None else serializer.loads(record)
    return {"sid": sid, "record": record, "ttl": ttl, "data": None if data is None else describe(data)}


def update(request):
    """A Quart view setting one key: open_session, session[key] = value, save_session."""
    client = store(request)
    sid = sid_of(request)
    data = serializer.loads(client.get(request["prefix"] + sid))
    data[request["key"]] = request["value"]
    return {"record": save(request, client, sid, data)}


def logout(request):
    """A Quart view calling session.clear(): Quart-Session deletes the record (and the cookie)."""
    store(request).delete(request["prefix"] + sid_of(request))
    return {}


def main():
    request = json.load(sys.stdin)
    json.dump({"write": write, "read": read, "update": update, "logout": logout}[sys.argv[1]](request), sys.stdout)


if __name__ == "__main__":
    main()
