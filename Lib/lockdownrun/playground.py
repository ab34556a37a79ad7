"""A web playground over a lockdownrun pool: one page and a JSON API.

``python -m lockdownrun playground`` serves, with the standard library's
http.server, the page in playground_static/ and

    GET  /api/info   the server's caps: {"limits": ..., "workers": ...}
    POST /api/run    {"code": "...", "stdin": "...", "limits": {...}}
                     -> the runner's result document

Nothing is stored on the server: the page shares code in the URL fragment.
"""

import http
import http.server
import ipaddress
import json
import os
import signal
import socket
import sys
import threading

from . import Limits, Pool, PoolError

__all__ = ["Playground", "DEFAULT_MAX_BODY", "DEFAULT_QUEUE"]

# The largest request body, in bytes: code and stdin in JSON.
DEFAULT_MAX_BODY = 1024 * 1024
# Runs that may wait for a worker, beyond the runs under way.
DEFAULT_QUEUE = 8
# Connections served at the same time, waiting runs included.
MAX_CONNECTIONS = 64
# Seconds a client may take to send its request.
REQUEST_TIMEOUT = 30
# After an error, how much of an unread request is read and dropped, and
# for how long, before the connection closes.
LINGER_BYTES = 4 * 1024 * 1024
LINGER_TIMEOUT = 2

_STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "playground_static")
_STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
}
_REQUEST_KEYS = frozenset({"code", "stdin", "limits"})
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

# No inline script or style, nothing from another host, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


class _HTTPError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def is_loopback(host):
    """Return True if host (a name or an address) is a loopback one."""
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_request(body, caps):
    """Return (code, stdin, limits) of a POST /api/run body, or raise
    _HTTPError(400) with a message for the client."""
    try:
        request = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _HTTPError(400, f"malformed JSON: {exc}")
    if not isinstance(request, dict):
        raise _HTTPError(400, "the request must be a JSON object")
    unknown = set(request) - _REQUEST_KEYS
    if unknown:
        raise _HTTPError(400, f"unknown field {sorted(unknown)[0]!r}; "
                              f"fields are code, stdin, limits")
    code = request.get("code")
    if not isinstance(code, str):
        raise _HTTPError(400, "code must be a string")
    stdin = request.get("stdin", "")
    if not isinstance(stdin, str):
        raise _HTTPError(400, "stdin must be a string")
    limits = request.get("limits")
    if limits is None:
        limits = {}
    try:
        limits = Limits.from_dict(limits, caps)
    except (ValueError, TypeError) as exc:
        raise _HTTPError(400, str(exc))
    above = limits.exceeding(caps)
    if above:
        raise _HTTPError(400, f"limit {above!r} is above this server's "
                              f"cap of {getattr(caps, above)!r}")
    return code, stdin, limits


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "lockdownrun-playground"
    timeout = REQUEST_TIMEOUT

    def version_string(self):
        return self.server_version

    # -- responses ----------------------------------------------------------

    def _send(self, code, body, content_type, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, code, data, extra=()):
        body = json.dumps(data).encode("ascii")
        self._send(code, body, "application/json", extra)

    def _send_error(self, code, message, extra=()):
        # A body we did not read must not be taken for the next request.
        self.close_connection = True
        self._send_json(code, {"error": message, "code": code},
                        (("Connection", "close"),) + tuple(extra))
        if getattr(self, "_unread_body", False):
            self._linger()

    def _linger(self):
        # Read (a bounded part of) a body left unread before closing, so
        # that the kernel does not reset the connection before the client
        # reads the answer.
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(LINGER_TIMEOUT)
            left = LINGER_BYTES
            while left > 0:
                data = self.connection.recv(min(left, 1 << 16))
                if not data:
                    break
                left -= len(data)
        except OSError:
            pass

    def send_error(self, code, message=None, explain=None):
        # http.server's own errors (bad request line, 501...) in JSON too.
        self._send_error(code, message or http.HTTPStatus(code).phrase)

    def log_message(self, format, *args):
        if not self.server.playground.quiet:
            super().log_message(format, *args)

    # -- checks ---------------------------------------------------------------

    def _check_host(self):
        # Against DNS rebinding: a loopback server answers only to the
        # loopback names.
        if not self.server.playground.loopback:
            return
        host = self.headers.get("Host", "")
        if host.startswith("["):
            name = host[:host.find("]") + 1]
        else:
            name = host.split(":", 1)[0]
        if not is_loopback(name):
            raise _HTTPError(403, f"unexpected Host header {host!r}")

    # -- methods ------------------------------------------------------------

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        try:
            self._check_host()
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == "/api/info":
                self._send_json(200, self.server.playground.info())
                return
            if path == "/api/run":
                raise _HTTPError(405, "use POST for /api/run")
            try:
                body, content_type = self.server.playground.static[path]
            except KeyError:
                raise _HTTPError(404, f"no such page: {path}")
            self._send(200, body, content_type)
        except _HTTPError as exc:
            extra = (("Allow", "POST"),) if exc.code == 405 else ()
            self._send_error(exc.code, str(exc), extra)

    def do_POST(self):
        self._unread_body = True
        try:
            self._check_host()
            path = self.path.split("?", 1)[0]
            if path in self.server.playground.static:
                raise _HTTPError(405, f"{path} takes GET, not POST")
            if path != "/api/run":
                raise _HTTPError(404, f"nothing to POST to at {path}")
            self._check_origin()
            body = self._read_body()
            self._run(body)
        except _HTTPError as exc:
            extra = (("Allow", "GET, HEAD"),) if exc.code == 405 else ()
            self._send_error(exc.code, str(exc), extra)

    def _check_origin(self):
        # A page of another site may not make us run code for it.
        origin = self.headers.get("Origin")
        if origin is not None:
            host = self.headers.get("Host", "")
            if origin.split("://", 1)[-1] != host:
                raise _HTTPError(403, f"cross-origin request from {origin!r}")
        kind = self.headers.get("Content-Type", "").split(";")[0].strip()
        if kind.lower() != "application/json":
            raise _HTTPError(415, "Content-Type must be application/json")

    def _read_body(self):
        playground = self.server.playground
        if "Transfer-Encoding" in self.headers:
            raise _HTTPError(411, "send the body with a Content-Length")
        length = self.headers.get("Content-Length")
        if length is None:
            raise _HTTPError(411, "Content-Length is required")
        try:
            length = int(length)
            if length < 0:
                raise ValueError
        except ValueError:
            raise _HTTPError(400, f"bad Content-Length {length!r}")
        if length > playground.max_body:
            raise _HTTPError(413, f"the request is {length} bytes; the most "
                                  f"is {playground.max_body}")
        body = self.rfile.read(length)
        self._unread_body = False
        if len(body) != length:
            raise _HTTPError(400, "the request body ended early")
        return body

    def _run(self, body):
        playground = self.server.playground
        code, stdin, limits = parse_request(body, playground.caps)
        if not playground.admit():
            raise _HTTPError(429, f"{playground.workers} runs are under way "
                                  f"and {playground.queue} waiting; try "
                                  f"again later")
        try:
            future = playground.pool.submit(code, stdin, limits)
            result = future.result()
        except ValueError as exc:
            raise _HTTPError(400, str(exc))
        except PoolError as exc:
            raise _HTTPError(503, f"the runner is unavailable: {exc}")
        finally:
            playground.release()
        self._send(200, result.to_json().encode("ascii"), "application/json")


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # Serve a connection while the port's last user is in TIME_WAIT.
    allow_reuse_address = True

    def __init__(self, address, playground):
        self.playground = playground
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        if not self._connections.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\n"
                                b"Content-Length: 0\r\n"
                                b"Connection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()


class Playground:
    """A pool of `workers` and an HTTP server over it.

    limits are the default limits of a run and the most a request may ask
    for; at most `queue` runs wait for a worker (more get 429); a request
    body may be up to `max_body` bytes (more get 413)."""

    def __init__(self, host="127.0.0.1", port=8000, workers=None,
                 limits=None, queue=DEFAULT_QUEUE, preload=(),
                 max_body=DEFAULT_MAX_BODY, quiet=False):
        if not isinstance(queue, int) or queue < 0:
            raise ValueError(f"queue must be an integer >= 0, not {queue!r}")
        if not isinstance(max_body, int) or max_body < 1:
            raise ValueError(f"max_body must be a positive integer, "
                             f"not {max_body!r}")
        if limits is None:
            limits = Limits()
        elif isinstance(limits, dict):
            limits = Limits.from_dict(limits)
        self.caps = limits
        self.queue = queue
        self.max_body = max_body
        self.quiet = quiet
        self.static = self._load_static()
        self._lock = threading.Lock()
        self.admitted = 0            # runs under way or waiting
        self._thread = None
        self._closed = False
        self.pool = Pool(workers=workers, limits=limits, preload=preload)
        self.workers = self.pool.workers
        try:
            self.server = _Server((host, port), self)
        except BaseException:
            self.pool.close(cancel=True)
            raise
        bound = self.server.server_address
        self.host, self.port = bound[0], bound[1]
        self.loopback = is_loopback(self.host)

    @staticmethod
    def _load_static():
        static = {}
        for path, (name, content_type) in _STATIC.items():
            with open(os.path.join(_STATIC_DIR, name), "rb") as f:
                static[path] = (f.read(), content_type)
        return static

    @property
    def url(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def info(self):
        return {"limits": self.caps.to_dict(), "workers": self.workers,
                "queue": self.queue, "max_body": self.max_body}

    def admit(self):
        """Count one more run in, or return False if the queue is full."""
        with self._lock:
            if self.admitted >= self.workers + self.queue:
                return False
            self.admitted += 1
            return True

    def release(self):
        with self._lock:
            self.admitted -= 1

    def serve_forever(self):
        self.server.serve_forever(poll_interval=0.2)

    def start(self):
        """Serve in a thread of this process (for tests and embedding)."""
        self._thread = threading.Thread(target=self.serve_forever,
                                        name="lockdownrun-playground",
                                        daemon=True)
        self._thread.start()
        return self

    def close(self):
        """Stop serving, kill the runs under way and stop the pool."""
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
        # Runs under way end now: their requests are answered 503.
        self.pool.close(cancel=True)
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def main(args, limits, preload):
    """Run the playground of the command line until SIGINT or SIGTERM."""
    if not 1 <= args.workers <= 1024:
        print("lockdownrun: --workers must be in [1, 1024]", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print("lockdownrun: --port must be in [0, 65535]", file=sys.stderr)
        return 2
    if args.queue < 0:
        print("lockdownrun: --queue must be >= 0", file=sys.stderr)
        return 2
    if args.max_body < 1:
        print("lockdownrun: --max-body must be >= 1", file=sys.stderr)
        return 2
    try:
        playground = Playground(args.host, args.port, args.workers, limits,
                                queue=args.queue, preload=preload,
                                max_body=args.max_body * 1024,
                                quiet=args.quiet)
    except OSError as exc:
        print(f"lockdownrun: cannot serve on {args.host}:{args.port}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    previous = {signum: signal.signal(signum, on_signal)
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        playground.start()
        if not playground.loopback:
            print(f"lockdownrun: warning: the playground is bound to "
                  f"{playground.host}, not to loopback: anyone who can "
                  f"reach this address can run code on this machine",
                  file=sys.stderr, flush=True)
        print(f"lockdownrun playground: serving on {playground.url} "
              f"({playground.workers} workers; Ctrl-C to stop)", flush=True)
        while not stop.wait(1):
            pass
        print("lockdownrun playground: stopping", file=sys.stderr,
              flush=True)
    finally:
        playground.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0
