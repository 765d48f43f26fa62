"""A small HTTP proxy in front of the real Core that injects faults on demand (not a mock of Core:
every request it does not fault is forwarded to Core unchanged, and Core's answer is relayed)."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (timeout tests) is expected here


@dataclass(frozen=True)
class Fault:
    """What to do with one request instead of (or before) forwarding it."""

    status: int | None = None  # answer this status with an error envelope
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # sleep first (then forward, unless status or drop is set)
    drop: bool = False  # close the connection without answering


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    faulted: bool


class FaultProxy:
    """``with FaultProxy(core_url) as proxy:`` → ``proxy.url``; queue faults with :meth:`inject`."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults: deque[Fault] = deque()
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._http = httpx.Client(timeout=30)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def paths(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path.split("?")[0] == path]

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.popleft() if self.faults else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                fault = proxy._next_fault()
                with proxy._lock:
                    proxy.seen.append(
                        Seen(
                            self.command,
                            self.path,
                            {k.lower(): v for k, v in self.headers.items()},
                            fault is not None,
                        )
                    )
                if fault is not None and fault.delay:
                    time.sleep(fault.delay)
                if fault is not None and fault.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault is not None and fault.status is not None:
                    payload = json.dumps(
                        {
                            "error": {
                                "code": "NOT_READY" if fault.status == 503 else f"HTTP_{fault.status}",
                                "message": "injected by the test proxy",
                                "details": None,
                                "request_id": self.headers.get("x-request-id"),
                            },
                            "request_id": self.headers.get("x-request-id"),
                        }
                    ).encode()
                    self.send_response(fault.status)
                    for k, v in {"content-type": "application/json", **fault.headers}.items():
                        self.send_header(k, v)
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                try:
                    upstream = proxy._http.request(
                        self.command, proxy.upstream + self.path, headers=headers, content=body
                    )
                except (httpx.HTTPError, RuntimeError):
                    # Core unreachable, or the proxy closed while a delayed request slept: drop it.
                    self.close_connection = True
                    return
                self.send_response(upstream.status_code)
                for k, v in upstream.headers.items():
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.send_header("content-length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        return Handler
