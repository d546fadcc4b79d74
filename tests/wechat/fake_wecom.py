"""A fake WeCom API: a real HTTP server on 127.0.0.1 with the endpoints we call and fault injection.

Control API (JSON):
  POST /__fake__/reset                      forget tokens, media, log and faults
  GET  /__fake__/log                        every request: endpoint, query, body, files, outcome
  POST /__fake__/faults {endpoint, kind, times, errcode|status|seconds}
       kind: errcode | http | sleep | malformed | drop; ``times`` null = forever
  POST /__fake__/faults {kind: "expire_all_tokens"}   applied at once
A ``sleep`` or ``malformed`` fault still processes the request (the message is delivered,
the client just cannot know): that is what makes the outcome ambiguous.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.request
from collections import defaultdict, deque
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096
MEDIA_LIMITS = {"image": 10 * 2**20, "voice": 2 * 2**20, "video": 10 * 2**20, "file": 20 * 2**20}
UNKNOWN_CHAT = 86003  # real code unverified; any non-zero permanent code will do


class FakeState:
    def __init__(self, *, corp_id: str, secret: str, robot_keys: set[str], chat_ids: set[str], expires_in: int):
        self.corp_id, self.secret = corp_id, secret
        self.robot_keys, self.chat_ids = set(robot_keys), set(chat_ids)
        self.expires_in = expires_in
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.tokens: dict[str, float] = {}
            self.counter = 0
            self.log: list[dict] = []
            self.faults: list[dict] = []
            self.app_media: set[str] = set()
            self.robot_media: dict[str, str] = {}
            self.robot_sends: dict[str, deque] = defaultdict(deque)

    def next_id(self, prefix: str) -> str:
        with self.lock:
            self.counter += 1
            return f"{prefix}_{self.counter}"

    def take_fault(self, endpoint: str) -> dict | None:
        with self.lock:
            for fault in self.faults:
                if fault.get("endpoint") == endpoint and fault.get("times") != 0:
                    if fault.get("times") is not None:
                        fault["times"] -= 1
                    return dict(fault)
        return None


def _error(code: int, message: str = "error") -> dict:
    return {"errcode": code, "errmsg": f"{message}, hint: [fake]"}


class Handler(BaseHTTPRequestHandler):
    state: FakeState  # set on the subclass made per server

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout): nothing to do
            pass

    def _json(self, data: dict, status: int = 200) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/__fake__/"):
            return self._control(url.path[len("/__fake__/") :], body)
        endpoint = url.path.removeprefix("/cgi-bin/")
        entry = {"endpoint": endpoint, "method": method, "query": query, "at": time.time(), "outcome": "error"}
        fault = self.state.take_fault(endpoint)
        entry["fault"] = fault["kind"] if fault else None
        with self.state.lock:
            self.state.log.append(entry)
        if fault and fault["kind"] == "drop":
            entry["outcome"] = "dropped"
            self.close_connection = True
            return
        if fault and fault["kind"] == "errcode":
            entry["errcode"] = fault["errcode"]
            return self._json(_error(fault["errcode"], "injected"))
        if fault and fault["kind"] == "http":
            entry["outcome"] = f"http {fault['status']}"
            return self._send(fault["status"], b"<html>Bad Gateway</html>", "text/html")
        if fault and fault["kind"] == "sleep":
            time.sleep(fault["seconds"])
        result = self._route(endpoint, query, body, entry)
        entry["errcode"] = result.get("errcode", 0)
        if fault and fault["kind"] == "malformed":
            return self._send(200, b"{not json")
        self._json(result)

    def _control(self, action: str, body: bytes) -> None:
        state = self.state
        if action == "reset":
            state.reset()
            return self._json({"ok": True})
        if action == "log":
            with state.lock:
                return self._json({"log": list(state.log)})
        if action == "faults":
            fault = json.loads(body or b"{}")
            if fault.get("kind") == "expire_all_tokens":
                with state.lock:
                    state.tokens = {t: 0.0 for t in state.tokens}
            else:
                fault.setdefault("times", 1)
                with state.lock:
                    state.faults.append(fault)
            return self._json({"ok": True})
        self._json({"error": "unknown control"}, 404)

    # --- the WeCom API -----------------------------------------------------------------

    def _route(self, endpoint: str, query: dict, body: bytes, entry: dict) -> dict:
        if endpoint == "gettoken":
            return self._gettoken(query)
        if endpoint.startswith("webhook/"):
            return self._webhook(endpoint, query, body, entry)
        token_error = self._check_token(query.get("access_token", ""))
        if token_error:
            return token_error
        if endpoint == "appchat/send":
            return self._appchat_send(body, entry)
        if endpoint == "appchat/create":
            data = json.loads(body)
            chat_id = data.get("chatid") or self.state.next_id("CHAT")
            with self.state.lock:
                self.state.chat_ids.add(chat_id)
            return {"errcode": 0, "errmsg": "ok", "chatid": chat_id}
        if endpoint == "media/upload":
            return self._upload(query, body, entry, key=None)
        if endpoint == "externalcontact/add_msg_template":
            data = json.loads(body)
            entry["body"] = data
            if data.get("chat_type") != "group" or not data.get("sender"):
                return _error(40058, "invalid parameter")
            entry["outcome"] = "delivered"
            return {"errcode": 0, "errmsg": "ok", "msgid": self.state.next_id("MSG"), "fail_list": []}
        return _error(404, "unknown endpoint")

    def _gettoken(self, query: dict) -> dict:
        if query.get("corpid") != self.state.corp_id or query.get("corpsecret") != self.state.secret:
            return _error(40001, "invalid credential")
        token = self.state.next_id("TOKEN")
        with self.state.lock:
            self.state.tokens[token] = time.time() + self.state.expires_in
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.state.expires_in}

    def _check_token(self, token: str) -> dict | None:
        with self.state.lock:
            expiry = self.state.tokens.get(token)
        if expiry is None:
            return _error(40014, "invalid access_token")
        if expiry < time.time():
            return _error(42001, "access_token expired")
        return None

    def _appchat_send(self, body: bytes, entry: dict) -> dict:
        data = json.loads(body)
        entry["body"] = data
        if data.get("chatid") not in self.state.chat_ids:
            return _error(UNKNOWN_CHAT, "invalid chatid")
        if data.get("msgtype") == "text" and len(data["text"]["content"].encode("utf-8")) > TEXT_LIMIT:
            return _error(45002, "content size out of limit")
        if data.get("msgtype") == "file" and data["file"]["media_id"] not in self.state.app_media:
            return _error(40007, "invalid media_id")
        entry["outcome"] = "delivered"
        return {"errcode": 0, "errmsg": "ok"}

    def _upload(self, query: dict, body: bytes, entry: dict, key: str | None) -> dict:
        media_type = query.get("type", "")
        parts = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n" + body
        )
        media = None
        for part in parts.iter_parts() if parts.is_multipart() else []:
            if part.get_param("name", header="content-disposition") == "media":
                media = part
        if media is None:
            return _error(41005, "media data missing")
        data = media.get_payload(decode=True) or b""
        entry["file"] = {
            "filename": media.get_filename(),
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "head": data[:8].decode("latin-1"),
        }
        if media_type not in MEDIA_LIMITS or len(data) <= 5 or len(data) > MEDIA_LIMITS[media_type]:
            return _error(40006, "invalid file size")
        media_id = self.state.next_id("MEDIA")
        with self.state.lock:
            if key is None:
                self.state.app_media.add(media_id)
            else:
                self.state.robot_media[media_id] = key
        entry["outcome"] = "uploaded"
        return {
            "errcode": 0,
            "errmsg": "ok",
            "type": media_type,
            "media_id": media_id,
            "created_at": str(int(time.time())),
        }

    def _webhook(self, endpoint: str, query: dict, body: bytes, entry: dict) -> dict:
        key = query.get("key", "")
        if key not in self.state.robot_keys:
            return _error(93000, "invalid webhook url")
        if endpoint == "webhook/upload_media":
            return self._upload(query, body, entry, key=key)
        data = json.loads(body)
        entry["body"] = data
        kind = data.get("msgtype")
        if kind == "text" and len(data["text"]["content"].encode("utf-8")) > TEXT_LIMIT:
            return _error(40058, "content exceed max length")
        if kind == "markdown" and len(data["markdown"]["content"].encode("utf-8")) > MARKDOWN_LIMIT:
            return _error(40058, "content exceed max length")
        if kind == "file" and self.state.robot_media.get(data["file"]["media_id"]) != key:
            return _error(40007, "invalid media_id")
        now = time.time()
        with self.state.lock:
            sends = self.state.robot_sends[key]
            while sends and sends[0] < now - 60:
                sends.popleft()
            if len(sends) >= 20:
                return _error(45009, "api freq out of limit")
            sends.append(now)
        entry["outcome"] = "delivered"
        return {"errcode": 0, "errmsg": "ok"}


class FakeWeCom:
    """The server plus a small client for its control API."""

    def __init__(
        self,
        *,
        corp_id: str = "wwFAKECORP",
        secret: str = "fake-app-secret",
        robot_keys: tuple[str, ...] = ("fake-robot-key",),
        chat_ids: tuple[str, ...] = ("GRID01",),
        expires_in: int = 7200,
    ):
        self.state = FakeState(
            corp_id=corp_id, secret=secret, robot_keys=set(robot_keys), chat_ids=set(chat_ids), expires_in=expires_in
        )
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _control(self, action: str, payload: dict | None = None) -> dict:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.url}/__fake__/{action}", data=data, method="POST" if data or action != "log" else "GET"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def reset(self) -> None:
        self._control("reset", {})

    def fault(self, endpoint: str | None = None, kind: str = "errcode", times: int | None = 1, **kw) -> None:
        self._control("faults", {"endpoint": endpoint, "kind": kind, "times": times, **kw})

    def log(self, endpoint: str | None = None) -> list[dict]:
        entries = self._control("log")["log"]
        return [e for e in entries if endpoint is None or e["endpoint"] == endpoint]

    def delivered(self, endpoint: str) -> list[dict]:
        return [e for e in self.log(endpoint) if e["outcome"] == "delivered"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
