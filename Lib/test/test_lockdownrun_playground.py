"""Tests for the lockdownrun playground: its JSON API, its limits and the
headers and page it serves.  Guests run in real locked workers."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest
from test import support

if not hasattr(os, "fork") or sys.platform == "win32":
    raise unittest.SkipTest("lockdownrun needs os.fork")
support.requires_subprocess()

from lockdownrun import STATUSES, playground
from lockdownrun.playground import Playground
from test.test_lockdownrun import _kill_busy_worker

CAPS = {"cpu": 5, "wall": 20, "memory": 256, "output": 64}
STATIC_DIR = os.path.join(os.path.dirname(playground.__file__),
                          "playground_static")


def _request(pg, method, path, body=None, headers=None):
    """Return (status, headers, decoded JSON or bytes) of one request."""
    conn = http.client.HTTPConnection(pg.host, pg.port, timeout=60)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        all_headers = {}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        if response.getheader("Content-Type", "").startswith(
                "application/json"):
            data = json.loads(data)
        return response.status, response.headers, data
    finally:
        conn.close()


def _run(pg, code, stdin="", **limits):
    request = {"code": code, "stdin": stdin}
    if limits:
        request["limits"] = limits
    return _request(pg, "POST", "/api/run", request)


def _raw(pg, data):
    """Send data as is; return the status code of the answer."""
    with socket.create_connection((pg.host, pg.port), timeout=60) as s:
        s.sendall(data)
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split()[1])


def _wait_for(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


class PlaygroundTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Playground(port=0, workers=2, limits=CAPS, queue=4,
                            max_body=64 * 1024, quiet=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.pg.close()
        del cls.pg

    def run_ok(self, code, stdin="", **limits):
        status, headers, data = _run(self.pg, code, stdin, **limits)
        self.assertEqual(status, 200, data)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertIn(data["status"], STATUSES)
        return data


class StatusTests(PlaygroundTestCase):
    def test_ok(self):
        r = self.run_ok("import math\nprint(math.factorial(int(input())))",
                        stdin="10\n")
        self.assertEqual(r["status"], "ok")
        self.assertEqual(r["exit_code"], 0)
        self.assertEqual(r["stdout"], "3628800\n")
        self.assertEqual(r["stderr"], "")
        self.assertEqual(list(r), [
            "status", "timeout", "exit_code", "signal", "stdout", "stderr",
            "truncated", "cpu_s", "wall_s", "max_rss_bytes", "refused",
            "error"])

    def test_error(self):
        r = self.run_ok("import sys\nprint('x', file=sys.stderr)\n1 / 0")
        self.assertEqual(r["status"], "error")
        self.assertEqual(r["error"]["type"], "ZeroDivisionError")
        self.assertIn("ZeroDivisionError", r["stderr"])
        self.assertTrue(r["stderr"].startswith("x\n"))

    def test_refused(self):
        for code, operation in [
                ("open('/etc/passwd')", "open"),
                ("import os\nos.system('id')", "os.system"),
                ("import socket\nsocket.socket()", "socket.socket"),
                ("import socket\nsocket.gethostname()",
                 "socket.gethostname"),
                ("import os\nos.listdir(os.curdir)", "os.listdir")]:
            with self.subTest(operation=operation):
                r = self.run_ok(code)
                self.assertEqual(r["status"], "refused")
                self.assertEqual(r["refused"]["operation"], operation)

    def test_timeout(self):
        r = self.run_ok("while True: pass", cpu=0.3)
        self.assertEqual((r["status"], r["timeout"]), ("timeout", "cpu"))
        self.assertLess(r["cpu_s"], 2)

    def test_memory(self):
        r = self.run_ok("x = bytearray(1 << 30)", memory=32)
        self.assertEqual(r["status"], "memory")

    def test_output(self):
        r = self.run_ok("while True: print('x' * 100)", output=1)
        self.assertEqual(r["status"], "output")
        self.assertTrue(r["truncated"])
        self.assertLessEqual(len(r["stdout"]), 1024)

    @unittest.skipUnless(os.path.isdir("/proc/self/fd"), "needs /proc")
    def test_crashed(self):
        # Nothing a locked guest may call crashes the interpreter: play the
        # bug by sending the worker a SIGSEGV.
        answer = []
        thread = threading.Thread(target=lambda: answer.append(
            _run(self.pg, "print('before')\nwhile True: pass\n")))
        thread.start()
        try:
            _kill_busy_worker(self.pg.pool, signal.SIGSEGV)
        finally:
            thread.join()
        status, _, r = answer[0]
        self.assertEqual(status, 200)
        self.assertEqual(r["status"], "crashed")
        self.assertEqual(r["signal"], signal.SIGSEGV)
        self.assertEqual(r["stdout"], "before\n")
        self.assertEqual(self.run_ok("print(1)")["status"], "ok")

    def test_limits_below_the_caps(self):
        r = self.run_ok("print(1)", cpu=1, wall=2.5, memory=64, output=0)
        self.assertEqual(r["status"], "output")
        r = self.run_ok("pass", cpu=1, wall=2.5, memory=64, output=0)
        self.assertEqual(r["status"], "ok")


class BadRequestTests(PlaygroundTestCase):
    def assertBad(self, body, code=400, pattern=None, **kwargs):
        status, headers, data = _request(self.pg, "POST", "/api/run", body,
                                         **kwargs)
        self.assertEqual(status, code, data)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(data["code"], code)
        if pattern:
            self.assertRegex(data["error"], pattern)
        return data

    def test_malformed_json(self):
        self.assertBad("{not json", pattern="malformed JSON")
        self.assertBad(b"\xff\xfe", pattern="malformed JSON")
        self.assertBad("[1, 2]", pattern="JSON object")
        self.assertBad("", pattern="malformed JSON")

    def test_fields(self):
        self.assertBad({}, pattern="code must be a string")
        self.assertBad({"code": 1}, pattern="code must be a string")
        self.assertBad({"code": "", "stdin": 1}, pattern="stdin")
        self.assertBad({"code": "", "extra": 1}, pattern="unknown field")

    def test_limits_out_of_range(self):
        self.assertBad({"code": "", "limits": {"cpu": 6}},
                       pattern=r"'cpu' is above this server's cap of 5")
        self.assertBad({"code": "", "limits": {"memory": 512}},
                       pattern="'memory' is above")
        self.assertBad({"code": "", "limits": {"cpu": -1}},
                       pattern="limit 'cpu' must be")
        self.assertBad({"code": "", "limits": {"memory": 1.5}},
                       pattern="limit 'memory' must be an integer")
        self.assertBad({"code": "", "limits": {"cpu": "1"}},
                       pattern="limit 'cpu'")
        self.assertBad({"code": "", "limits": {"cpu": True}},
                       pattern="limit 'cpu'")
        self.assertBad({"code": "", "limits": {"disk": 1}},
                       pattern="unknown limit 'disk'")
        self.assertBad({"code": "", "limits": [1]},
                       pattern="limits must be an object")
        self.assertBad('{"code": "", "limits": {"cpu": NaN}}',
                       pattern="limit 'cpu'")

    def test_body_too_large(self):
        # Answered from the headers, without reading the body.
        self.assertEqual(_raw(self.pg,
                              b"POST /api/run HTTP/1.1\r\nHost: localhost\r\n"
                              b"Content-Type: application/json\r\n"
                              b"Content-Length: 100000000\r\n\r\n"), 413)
        self.assertBad({"code": "#" * (64 * 1024)}, 413, "the most is 65536")
        self.assertEqual(self.run_ok("print(2)")["stdout"], "2\n")

    def test_no_length(self):
        self.assertEqual(_raw(self.pg,
                              b"POST /api/run HTTP/1.1\r\nHost: localhost\r\n"
                              b"Content-Type: application/json\r\n"
                              b"Transfer-Encoding: chunked\r\n\r\n"), 411)
        self.assertEqual(_raw(self.pg,
                              b"POST /api/run HTTP/1.0\r\nHost: localhost\r\n"
                              b"Content-Type: application/json\r\n\r\n"), 411)

    def test_content_type(self):
        self.assertBad('{"code": ""}', 415,
                       headers={"Content-Type": "text/plain"})

    def test_cross_origin(self):
        self.assertBad({"code": ""}, 403, "cross-origin",
                       headers={"Origin": "http://evil.example"})
        host = f"{self.pg.host}:{self.pg.port}"
        status, _, data = _request(
            self.pg, "POST", "/api/run", {"code": ""},
            headers={"Origin": f"http://{host}"})
        self.assertEqual((status, data["status"]), (200, "ok"))

    def test_host(self):
        # Against DNS rebinding.
        self.assertBad({"code": ""}, 403, "Host",
                       headers={"Host": "evil.example"})
        status, _, _ = _request(self.pg, "GET", "/",
                                headers={"Host": "evil.example:80"})
        self.assertEqual(status, 403)
        for host in ("localhost", f"localhost:{self.pg.port}", "[::1]:80"):
            status, _, _ = _request(self.pg, "GET", "/api/info",
                                    headers={"Host": host})
            self.assertEqual(status, 200, host)

    def test_methods_and_paths(self):
        status, headers, _ = _request(self.pg, "GET", "/api/run")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "POST")
        status, _, _ = _request(self.pg, "POST", "/", {"code": ""})
        self.assertEqual(status, 405)
        status, _, _ = _request(self.pg, "POST", "/api/nope", {"code": ""})
        self.assertEqual(status, 404)
        for path in ("/nope", "/../__init__.py", "/playground.py",
                     "/playground_static/app.js"):
            status, _, _ = _request(self.pg, "GET", path)
            self.assertEqual(status, 404, path)
        status, _, _ = _request(self.pg, "DELETE", "/api/run")
        self.assertEqual(status, 501)


class PageTests(PlaygroundTestCase):
    def read_static(self, name):
        with open(os.path.join(STATIC_DIR, name), encoding="utf-8") as f:
            return f.read()

    def test_security_headers(self):
        for path in ("/", "/app.js", "/style.css", "/api/info", "/nope"):
            with self.subTest(path=path):
                _, headers, _ = _request(self.pg, "GET", path)
                csp = headers["Content-Security-Policy"]
                self.assertIn("default-src 'self'", csp)
                self.assertIn("script-src 'self'", csp)
                self.assertIn("frame-ancestors 'none'", csp)
                self.assertNotIn("unsafe-inline", csp)
                self.assertNotIn("unsafe-eval", csp)
                self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        status, headers, _ = _request(
            self.pg, "POST", "/api/run", {"code": "print(1)"})
        self.assertEqual(status, 200)
        self.assertIn("default-src 'self'", headers["Content-Security-Policy"])
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")

    def test_page_and_assets(self):
        for path, kind, name in [
                ("/", "text/html", "index.html"),
                ("/app.js", "text/javascript", "app.js"),
                ("/style.css", "text/css", "style.css")]:
            status, headers, body = _request(self.pg, "GET", path)
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"].split(";")[0], kind)
            self.assertEqual(body.decode("utf-8"), self.read_static(name))

    def test_info(self):
        status, _, info = _request(self.pg, "GET", "/api/info")
        self.assertEqual(status, 200)
        self.assertEqual(info["limits"], {"cpu": 5.0, "wall": 20.0,
                                          "memory": 256, "output": 64})
        self.assertEqual((info["workers"], info["queue"]), (2, 4))

    def test_guest_html_is_text(self):
        html = "<b>x</b><script>alert(1)</script><img src=x onerror=y>"
        r = self.run_ok(f"print({html!r})\nimport sys\n"
                        f"sys.stderr.write({html!r})")
        self.assertEqual(r["stdout"], html + "\n")
        self.assertEqual(r["stderr"], html)

    def test_page_inserts_text_only(self):
        js = self.read_static("app.js")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML",
                     "document.write", "eval(", "new Function",
                     "DOMParser", "createContextualFragment"):
            self.assertNotIn(sink, js)
        self.assertIn("stdoutBox.textContent = result.stdout", js)
        self.assertIn("stderrBox.textContent = result.stderr", js)

    def test_page_has_no_inline_code_or_remote_assets(self):
        html = self.read_static("index.html")
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
        self.assertEqual(scripts, [""])         # app.js, by src
        self.assertIn('<script src="/app.js"', html)
        self.assertNotRegex(html, r"<style\b")
        self.assertNotRegex(html, r"\son[a-z]+\s*=")
        self.assertNotRegex(html, r"\sstyle\s*=")
        for name in ("index.html", "app.js", "style.css"):
            self.assertNotRegex(self.read_static(name), r"https?://|//cdn",
                                name)


class QueueTests(unittest.TestCase):
    def test_queue_full(self):
        with Playground(port=0, workers=1, limits=CAPS, queue=1,
                        quiet=True).start() as pg:
            answers = []

            def spin():
                answers.append(_run(pg, "while True: pass", cpu=0.5))

            threads = [threading.Thread(target=spin) for _ in range(2)]
            threads[0].start()
            _wait_for(lambda: pg.admitted == 1, "the first run")
            threads[1].start()
            _wait_for(lambda: pg.admitted == 2, "the second run")
            start = time.monotonic()
            status, _, data = _run(pg, "print(1)")
            self.assertEqual(status, 429)
            self.assertIn("try again later", data["error"])
            self.assertLess(time.monotonic() - start, 5)
            for thread in threads:
                thread.join()
            self.assertEqual([a[0] for a in answers], [200, 200])
            self.assertEqual([a[2]["status"] for a in answers],
                             ["timeout", "timeout"])
            # Room again.
            status, _, data = _run(pg, "print(1)")
            self.assertEqual((status, data["stdout"]), (200, "1\n"))

    def test_close_answers_waiting_runs(self):
        pg = Playground(port=0, workers=1, limits=CAPS, quiet=True).start()
        answers = []
        thread = threading.Thread(target=lambda: answers.append(
            _run(pg, "while True: pass")))
        thread.start()
        _wait_for(lambda: pg.admitted == 1, "the run")
        pg.close()
        thread.join()
        self.assertEqual(answers[0][0], 503)


class CommandLineTests(unittest.TestCase):
    def start(self, *args):
        process = subprocess.Popen(
            [sys.executable, "-m", "lockdownrun", "playground", "--port", "0",
             "--workers", "1", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(process.kill)
        self.addCleanup(process.stdout.close)
        self.addCleanup(process.stderr.close)
        line = process.stdout.readline()
        match = re.search(r"serving on (http://([^/]+):(\d+)/)", line)
        self.assertIsNotNone(match, line)
        return process, match.group(1)

    def stop(self, process, signum):
        process.send_signal(signum)
        try:
            code = process.wait(support.SHORT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("the playground did not stop")
        return code, process.stderr.read()

    def test_sigint(self):
        process, url = self.start("--quiet")
        self.assertTrue(url.startswith("http://127.0.0.1:"))
        port = int(url.rsplit(":", 1)[1].rstrip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/api/run", body='{"code": "print(3)"}',
                     headers={"Content-Type": "application/json"})
        self.assertEqual(json.loads(conn.getresponse().read())["stdout"],
                         "3\n")
        conn.close()
        code, err = self.stop(process, signal.SIGINT)
        self.assertEqual(code, 0, err)
        self.assertNotIn("warning", err)
        self.assertNotIn("Traceback", err)

    def test_sigterm_and_warning(self):
        process, url = self.start("--host", "0.0.0.0")
        code, err = self.stop(process, signal.SIGTERM)
        self.assertEqual(code, 0, err)
        self.assertIn("warning: the playground is bound to 0.0.0.0", err)
        self.assertNotIn("Traceback", err)

    def test_bad_arguments(self):
        for args in (["--workers", "0"], ["--queue", "-1"],
                     ["--cpu", "0"], ["--port", "65536"],
                     ["--max-body", "0"]):
            result = subprocess.run(
                [sys.executable, "-m", "lockdownrun", "playground",
                 "--port", "0", *args], capture_output=True, text=True,
                timeout=support.SHORT_TIMEOUT)
            self.assertEqual(result.returncode, 2, args)
            self.assertNotIn("Traceback", result.stderr)
            self.assertEqual(result.stdout, "")


if __name__ == "__main__":
    unittest.main()
