"""Makes and reads Flask session cookies for Flagon's interop tests (run by python.ts, /usr/bin/python3).

Usage: flask_cookies.py make|load|sign, with a JSON list of cases on stdin; writes a JSON list of results.
Values cross the process boundary in a "wire" form that spells each type out, so nothing is lost:
null, booleans, numbers and strings as they are; ["list", [...]], ["tuple", [...]],
["dict", [[key, value], ...]] (in order), ["bytes", base64], ["markup", text], ["uuid", hex],
["datetime", epoch seconds].
"""
import base64
import hashlib
import json
import sys
from datetime import datetime, timezone
from uuid import UUID

import itsdangerous
from flask import Flask
from flask.sessions import session_json_serializer
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup


def from_wire(v):
    if isinstance(v, list):
        kind, body = v
        if kind == "list":
            return [from_wire(x) for x in body]
        if kind == "tuple":
            return tuple(from_wire(x) for x in body)
        if kind == "dict":
            return {k: from_wire(x) for k, x in body}
        if kind == "bytes":
            return base64.b64decode(body)
        if kind == "markup":
            return Markup(body)
        if kind == "uuid":
            return UUID(body)
        if kind == "datetime":
            return datetime.fromtimestamp(body, tz=timezone.utc)
        raise ValueError(kind)
    return v


def to_wire(v):
    if isinstance(v, Markup):
        return ["markup", str(v)]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, tuple):
        return ["tuple", [to_wire(x) for x in v]]
    if isinstance(v, list):
        return ["list", [to_wire(x) for x in v]]
    if isinstance(v, dict):
        return ["dict", [[k, to_wire(x)] for k, x in v.items()]]
    if isinstance(v, bytes):
        return ["bytes", base64.b64encode(v).decode("ascii")]
    if isinstance(v, UUID):
        return ["uuid", v.hex]
    if isinstance(v, datetime):
        return ["datetime", v.timestamp()]
    raise TypeError(type(v).__name__)


def flask_serializer(key):
    """The serializer a Flask app with this SECRET_KEY signs its session cookies with."""
    app = Flask("interop")
    app.secret_key = key
    return app, app.session_interface.get_signing_serializer(app)


def rotating_serializer(keys):
    """Flask 3.1's serializer with SECRET_KEY_FALLBACKS (Debian's Flask 2.2 predates them): keys oldest first."""
    return URLSafeTimedSerializer(
        keys,
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs=dict(key_derivation="hmac", digest_method=hashlib.sha1),
    )


def dumps(keys, data, sort):
    if len(keys) == 1:
        app, s = flask_serializer(keys[0])
        if sort:
            # Inside an app context Flask's JSON provider sorts keys (Flask); outside, insertion order (Quart).
            with app.app_context():
                return s.dumps(data)
        return s.dumps(data)
    if sort:
        app = Flask("interop")
        with app.app_context():
            return rotating_serializer(keys).dumps(data)
    return rotating_serializer(keys).dumps(data)


def make(case):
    data = from_wire(case["data"])
    return {"name": case["name"], "cookie": dumps(case["keys"], data, case.get("sort", False))}


def load(case):
    keys = case["keys"]
    s = flask_serializer(keys[0])[1] if len(keys) == 1 else rotating_serializer(keys)
    try:
        data = s.loads(case["cookie"], max_age=case["maxAge"])
    except itsdangerous.BadData as e:
        return {"name": case["name"], "error": type(e).__name__}
    # Signing the loaded value again, at the same time, shows whether Flagon wrote Flask's bytes.
    resigned = dumps(keys, data, case.get("sort", False))
    return {"name": case["name"], "data": to_wire(data), "resigned": resigned}


def sign(case):
    """itsdangerous's plain and timed signers, for each key derivation and digest."""
    kwargs = dict(salt=case["salt"], key_derivation=case["keyDerivation"], digest_method=getattr(hashlib, case["digest"]))
    signer = (itsdangerous.TimestampSigner if case["timed"] else itsdangerous.Signer)(case["keys"], **kwargs)
    return {"name": case["name"], "signed": signer.sign(case["value"]).decode("utf-8")}


def main():
    mode = sys.argv[1]
    request = json.load(sys.stdin)
    timestamp = request["timestamp"]
    itsdangerous.timed.TimestampSigner.get_timestamp = lambda self: timestamp
    handle = {"make": make, "load": load, "sign": sign}[mode]
    json.dump([handle(case) for case in request["cases"]], sys.stdout)


if __name__ == "__main__":
    main()
