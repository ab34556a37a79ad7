#!/usr/bin/python3
"""Drive the lockdownrun playground in headless Chromium.

Run by Debian's python3 (which has python3-selenium), not by the fork:

    /usr/bin/python3 Tools/lockdown/browser_test.py \\
        [--python build/obj/python] [--screenshot Doc/library/playground.png]

It starts ``PYTHON -m lockdownrun playground --port 0``, reads the URL the
server prints, and checks in the browser that an example runs, that an
escape attempt is refused, that printed HTML is shown as text, that the
editor indents, that a share link carries the code; then it saves a
screenshot.  It needs the Debian packages chromium, chromium-driver and
python3-selenium.  Exits with status 1 if a check fails, 2 if it cannot
start.
"""

import argparse
import base64
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-extensions", "--disable-default-apps",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--metrics-recording-only", "--mute-audio", "--window-size=1280,900",
)
TIMEOUT = 60


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--python", default=os.path.join(ROOT, "build", "obj", "python"),
        help="the interpreter that runs the playground (default: %(default)s)")
    parser.add_argument(
        "--screenshot", default=None, metavar="PATH",
        help="save a screenshot of the page here")
    parser.add_argument("--chromium", default=shutil.which("chromium")
                        or "/usr/bin/chromium")
    parser.add_argument("--chromedriver", default=shutil.which("chromedriver")
                        or "/usr/bin/chromedriver")
    return parser.parse_args()


def start_playground(python):
    process = subprocess.Popen(
        [python, "-m", "lockdownrun", "playground", "--port", "0",
         "--workers", "2", "--quiet"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
        start_new_session=True)
    line = process.stdout.readline()
    match = re.search(r"serving on (http://\S+/)", line)
    if not match:
        process.kill()
        process.wait()
        raise RuntimeError(f"the playground did not start: {line!r}")
    return process, match.group(1)


def stop_playground(process):
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


def start_browser(args, profile):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    service = Service(executable_path=args.chromedriver,
                      log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(TIMEOUT)
    return driver


class Checks:
    def __init__(self, driver, url):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        self.By = By
        self.driver = driver
        self.url = url
        self.wait = WebDriverWait(driver, TIMEOUT)
        self.passed = 0
        self.failed = 0

    def check(self, name, function):
        try:
            function()
        except Exception:
            self.failed += 1
            print(f"FAIL {name}")
            traceback.print_exc(limit=3, file=sys.stdout)
        else:
            self.passed += 1
            print(f"ok   {name}")

    # -- helpers ------------------------------------------------------------

    def find(self, element_id):
        return self.driver.find_element(self.By.ID, element_id)

    def load(self, fragment=""):
        self.driver.get(self.url + fragment)
        self.wait.until(lambda d: self.find("code").get_attribute("value"))
        # /api/info has filled in the limits.
        self.wait.until(lambda d: self.find("limit-cpu")
                        .get_attribute("value"))

    def set_code(self, code, stdin=""):
        # Set the value as a user's paste would, then tell the page.
        self.driver.execute_script(
            "const c = document.getElementById('code');"
            "c.value = arguments[0];"
            "c.dispatchEvent(new Event('input'));"
            "document.getElementById('stdin').value = arguments[1];",
            code, stdin)

    def choose_example(self, title):
        from selenium.webdriver.support.ui import Select
        select = Select(self.find("examples"))
        select.select_by_visible_text(title)

    def run(self, key=False):
        badge = self.find("status")
        self.driver.execute_script(
            "arguments[0].dataset.status = 'waiting';", badge)
        if key:
            from selenium.webdriver.common.keys import Keys
            self.find("code").send_keys(Keys.CONTROL, Keys.ENTER)
        else:
            self.find("run").click()
        self.wait.until(lambda d: badge.get_attribute("data-status")
                        not in ("waiting", "running", "idle"))
        return (badge.get_attribute("data-status"), badge.text,
                self.find("stdout").text, self.find("stderr").text,
                self.find("message").text)

    # -- the checks -----------------------------------------------------------

    def page_loads(self):
        self.load()
        assert "Locked Down Python" in self.driver.title, self.driver.title
        gutter = self.find("gutter").text.split()
        lines = self.find("code").get_attribute("value").count("\n") + 1
        assert gutter == [str(n) for n in range(1, lines + 1)], gutter
        options = self.driver.find_elements(self.By.CSS_SELECTOR,
                                            "#examples option")
        assert len(options) > 10, len(options)
        # Nothing was fetched from another host.
        for entry in self.driver.execute_script(
                "return performance.getEntriesByType('resource')"
                ".map(e => e.name);"):
            assert entry.startswith(self.url), entry

    def example_runs(self):
        self.choose_example("itertools: permutations and primes")
        status, badge, out, err, _ = self.run()
        assert status == "ok", (status, badge, out, err)
        assert "[('a', 'b'), ('a', 'c')" in out, out
        assert "2, 3, 5, 7, 11, 13" in out, out
        assert err == "", err
        cpu = self.find("stat-cpu").text
        assert re.fullmatch(r"[\d.]+ s of [\d.]+ s", cpu), cpu
        memory = self.find("stat-memory").text
        assert "MiB peak of" in memory, memory

    def stdin_and_stderr(self):
        self.choose_example("Read standard input")
        status, _, out, err, _ = self.run(key=True)      # Ctrl-Enter
        assert status == "ok", status
        assert "Hello, Ada" in out, out
        self.set_code("import sys\nprint('out')\n"
                      "print('err', file=sys.stderr)\n")
        status, _, out, err, _ = self.run()
        assert (status, out, err) == ("ok", "out", "err"), (status, out, err)
        color = lambda i: self.find(i).value_of_css_property("color")
        assert color("stdout") != color("stderr")

    def escape_refused(self):
        for title, operation in [("Read a file", "open"),
                                 ("Run a shell command", "os.system"),
                                 ("Open a socket", "socket.socket"),
                                 ("Learn the host's name",
                                  "socket.gethostname"),
                                 ("Look up a user", "pwd.getpwnam")]:
            self.choose_example(title)
            status, badge, out, err, message = self.run()
            assert status == "refused", (title, status, badge)
            assert badge == f"refused: {operation}", badge
            assert operation in message, message
            assert "LockdownError" in err, err
            assert "root:" not in out, out

    def limits(self):
        self.choose_example("Endless loop (timeout)")
        self.driver.find_element(self.By.CSS_SELECTOR,
                                 "#limits-box summary").click()
        limit = self.find("limit-cpu")
        limit.clear()
        limit.send_keys("0.3")
        status, badge, *_ = self.run()
        assert (status, badge) == ("timeout", "timeout: cpu"), badge
        assert self.find("stat-cpu").text.endswith("of 0.3 s")
        self.choose_example("Too much output (output)")
        status, *_ = self.run()
        assert status == "output", status
        self.choose_example("An exception (error)")
        status, badge, _, err, _ = self.run()
        assert badge == "error: ZeroDivisionError", badge
        assert "Traceback" in err, err

    def html_is_text(self):
        payload = ("<b id='guest-b'>x</b><img id='guest-img' src=x "
                   "onerror=\"document.title='pwned'\">"
                   "<script>document.title='pwned'</script>")
        self.set_code(f"import sys\nprint({payload!r})\n"
                      f"sys.stderr.write({payload!r})\n")
        status, _, out, err, _ = self.run()
        assert status == "ok", status
        assert out == payload and err == payload, (out, err)
        for box in ("stdout", "stderr"):
            children = self.driver.execute_script(
                "return document.getElementById(arguments[0])"
                ".children.length;", box)
            assert children == 0, (box, children)
        for tag in ("b", "img", "script"):
            found = self.driver.find_elements(
                self.By.CSS_SELECTOR, f"#stdout {tag}, #stderr {tag}")
            assert not found, tag
        assert not self.driver.find_elements(self.By.ID, "guest-b")
        time.sleep(0.2)
        assert self.driver.title != "pwned"

    def indentation(self):
        from selenium.webdriver.common.keys import Keys
        self.set_code("")
        code = self.find("code")
        code.click()
        code.send_keys("if True:", Keys.ENTER, "x = 1")
        value = code.get_attribute("value")
        assert value == "if True:\n    x = 1", repr(value)
        code.send_keys(Keys.HOME, Keys.SHIFT, Keys.TAB)
        value = code.get_attribute("value")
        assert value == "if True:\nx = 1", repr(value)
        code.send_keys(Keys.TAB)
        value = code.get_attribute("value")
        assert value == "if True:\n    x = 1", repr(value)
        gutter = self.find("gutter").text.split()
        assert gutter == ["1", "2"], gutter

    def share_link(self):
        source = "print('shared \u20ac')\n"
        self.set_code(source, stdin="")
        self.find("share").click()
        url = self.find("share-url").get_attribute("value")
        assert url.startswith(self.url + "#code="), url
        encoded = url.split("#code=", 1)[1].split("&")[0]
        decoded = base64.urlsafe_b64decode(
            encoded + "=" * (-len(encoded) % 4)).decode()
        assert decoded == source, decoded
        self.set_code("")
        self.driver.get("about:blank")
        self.driver.get(url)
        self.wait.until(lambda d: self.find("code").get_attribute("value"))
        assert self.find("code").get_attribute("value") == source
        status, _, out, _, _ = self.run()
        assert (status, out) == ("ok", "shared \u20ac"), (status, out)

    def security_headers(self):
        # The page's own script cannot be bypassed by an inline one.
        blocked = self.driver.execute_script(
            "const s = document.createElement('script');"
            "s.textContent = 'window.inlineRan = true';"
            "document.body.appendChild(s);"
            "return window.inlineRan === true;")
        assert blocked is False, "an inline script ran"

    def screenshot(self, path):
        self.load()
        self.choose_example("Read a file")
        self.run()
        self.choose_example("itertools: permutations and primes")
        self.run()
        # The last run shows, with an escape attempt's code in view.
        self.choose_example("Read a file")
        self.driver.execute_script(
            "const c = document.getElementById('code');"
            "c.value = arguments[0]; c.dispatchEvent(new Event('input'));",
            "# Computing works; escaping does not.\n"
            "import itertools\n\n"
            "print(list(itertools.permutations('abc', 2)))\n\n"
            "with open('/etc/passwd') as f:\n"
            "    print(f.read())\n")
        self.run()
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        if not self.driver.save_screenshot(path):
            raise RuntimeError(f"could not save {path}")
        print(f"     screenshot saved to {path}")


def main():
    args = parse_args()
    if importlib.util.find_spec("selenium") is None:
        print("browser_test: needs python3-selenium (Debian's, for "
              "/usr/bin/python3)", file=sys.stderr)
        return 2
    for path in (args.python, args.chromium, args.chromedriver):
        if not os.path.exists(path):
            print(f"browser_test: {path} not found", file=sys.stderr)
            return 2
    profile = tempfile.mkdtemp(prefix="ldp-chromium-")
    server = driver = None
    try:
        server, url = start_playground(args.python)
        print(f"playground at {url}")
        driver = start_browser(args, profile)
        checks = Checks(driver, url)
        for name in ("page_loads", "example_runs", "stdin_and_stderr",
                     "escape_refused", "limits", "html_is_text",
                     "indentation", "share_link", "security_headers"):
            checks.check(name, getattr(checks, name))
        if args.screenshot:
            checks.check("screenshot",
                         lambda: checks.screenshot(args.screenshot))
    except Exception:
        traceback.print_exc()
        print("0 passed, 1 failed")
        return 1
    finally:
        if driver is not None:
            driver.quit()
        code = stop_playground(server) if server is not None else None
        shutil.rmtree(profile, ignore_errors=True)

    def clean_shutdown():
        assert code == 0, f"the playground exited with {code} on SIGINT"

    checks.check("clean shutdown", clean_shutdown)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
