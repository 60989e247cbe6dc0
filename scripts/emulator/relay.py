"""What the emulator scripts' recording proxies share: read a call, forward it to moto, answer it."""

import http.client
import json
import re
import urllib.parse


def read_call(handler):
    """The body, action and parameters of a request (Query protocol, or JSON naming the action in
    X-Amz-Target)."""
    body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    if "json" in handler.headers.get("Content-Type", ""):
        return body, (handler.headers.get("X-Amz-Target") or "?").split(".")[-1], json.loads(body or b"{}")
    params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
    return body, params.get("Action", "?"), params


def forward(handler, moto, body):
    """Sends the request on to moto (a parsed URL): (status, headers, data)."""
    conn = http.client.HTTPConnection(moto.hostname, moto.port, timeout=60)
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "connection")}
    conn.request("POST", handler.path, body=body, headers=headers)
    answer = conn.getresponse()
    return answer.status, answer.getheaders(), answer.read()


def error_code(status, data):
    """The AWS error code of an answer, or None for a success."""
    found = re.search(rb"<Code>([^<]+)</Code>", data) if status >= 400 else None
    return found.group(1).decode() if found else None


def reply(handler, status, headers, data):
    """Answers the client with moto's (or an injected) status, headers and body."""
    handler.send_response(status)
    for k, v in headers:
        if k.lower() not in ("transfer-encoding", "connection", "content-length"):
            handler.send_header(k, v)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
