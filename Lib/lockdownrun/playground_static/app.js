// The Locked Down Python playground.  Plain JavaScript, no libraries.
//
// Everything the guest or the server sends is put in the page as text
// (textContent, input values), never parsed as HTML.
"use strict";

(function () {
  const INDENT = "    ";

  const EXAMPLES = [
    {group: "Computing", title: "Hello, math", stdin: "", code:
`import math

print("pi =", math.pi)
print("20! =", math.factorial(20))
print("gcd(462, 1071) =", math.gcd(462, 1071))
print("hypot(3, 4) =", math.hypot(3, 4))
`},
    {group: "Computing", title: "itertools: permutations and primes", stdin: "",
     code:
`import itertools

print(list(itertools.permutations("abc", 2)))

def primes():
    found = []
    for n in itertools.count(2):
        if all(n % p for p in found):
            found.append(n)
            yield n

print(list(itertools.islice(primes(), 15)))
`},
    {group: "Computing", title: "Read standard input", stdin: "Ada\n1815\n",
     code:
`name = input("name? ")
year = int(input("born? "))
print(f"\\nHello, {name}: you would be {2025 - year} in 2025.")
`},
    {group: "Computing", title: "collections, re and json", stdin: "", code:
`import collections
import json
import re

text = "the quick brown fox jumps over the lazy dog the end"
words = re.findall(r"[a-z]+", text)
counts = collections.Counter(words)
print(json.dumps(counts.most_common(3), indent=2))
`},
    {group: "Computing", title: "An exception (error)", stdin: "", code:
`def average(values):
    return sum(values) / len(values)

print(average([1, 2, 3]))
print(average([]))
`},
    {group: "Computing", title: "stdout and stderr", stdin: "", code:
`import sys

print("to standard output")
print("to standard error", file=sys.stderr)
print("<b>HTML is shown as text</b> <script>alert(1)</script>")
`},
    {group: "Limits", title: "Endless loop (timeout)", stdin: "", code:
`n = 0
while True:
    n += 1
`},
    {group: "Limits", title: "Too much memory (memory)", stdin: "", code:
`blocks = []
while True:
    blocks.append(bytearray(10 * 1024 * 1024))
`},
    {group: "Limits", title: "Too much output (output)", stdin: "", code:
`while True:
    print("spam " * 20)
`},
    {group: "Escape attempts", title: "Read a file", stdin: "", code:
`with open("/etc/passwd") as f:
    print(f.read())
`},
    {group: "Escape attempts", title: "Run a shell command", stdin: "", code:
`import os

os.system("cat /etc/passwd")
`},
    {group: "Escape attempts", title: "Open a socket", stdin: "", code:
`import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(("example.com", 80))
`},
    {group: "Escape attempts", title: "Learn the host's name", stdin: "",
     code:
`import socket

print(socket.gethostname())
`},
    {group: "Escape attempts", title: "Look up a user", stdin: "",
     code:
`import pwd

print(pwd.getpwnam("root"))
`},
    {group: "Escape attempts", title: "List the root directory", stdin: "",
     code:
`import os

print(os.listdir("/"))
`},
    {group: "Escape attempts", title: "Import ctypes", stdin: "", code:
`import ctypes

ctypes.string_at(0)
`},
  ];

  const LIMIT_NAMES = ["cpu", "wall", "memory", "output"];

  const $ = (id) => document.getElementById(id);
  const code = $("code");
  const gutter = $("gutter");
  const stdinBox = $("stdin");
  const runButton = $("run");
  const statusBadge = $("status");
  const message = $("message");
  const stdoutBox = $("stdout");
  const stderrBox = $("stderr");

  let caps = {cpu: 2, wall: 5, memory: 256, output: 64};
  let running = false;
  let escapePressed = false;

  // -- the editor ----------------------------------------------------------

  function updateGutter() {
    const lines = code.value.split("\n").length;
    const numbers = [];
    for (let i = 1; i <= lines; i++) {
      numbers.push(String(i));
    }
    gutter.textContent = numbers.join("\n") + "\n";
    gutter.scrollTop = code.scrollTop;
  }

  function setCode(text) {
    code.value = text;
    code.setSelectionRange(0, 0);
    code.scrollTop = 0;
    updateGutter();
  }

  // Replace [start, end) with text, keeping the browser's undo history
  // where it can.
  function replaceRange(start, end, text, selStart, selEnd) {
    code.focus();
    code.setSelectionRange(start, end);
    let done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (e) {
      done = false;
    }
    if (!done || code.value.slice(start, start + text.length) !== text) {
      code.setRangeText(text, start, end, "end");
    }
    code.setSelectionRange(selStart, selEnd);
    updateGutter();
  }

  function indent(dedent) {
    const value = code.value;
    const start = code.selectionStart;
    const end = code.selectionEnd;
    const multiline = value.slice(start, end).includes("\n");
    if (!dedent && !multiline) {
      // Indent to the next multiple of four columns.
      const column = start - (value.lastIndexOf("\n", start - 1) + 1);
      const pad = INDENT.slice(column % INDENT.length);
      const at = start + pad.length;
      replaceRange(start, end, pad, at, at);
      return;
    }
    const first = value.lastIndexOf("\n", start - 1) + 1;
    // A selection that ends at a line's start leaves that line alone.
    const lastLine = end > start && value[end - 1] === "\n" ? end - 1 : end;
    const newline = value.indexOf("\n", lastLine);
    const last = newline < 0 ? value.length : newline;
    const lines = value.slice(first, last).split("\n");
    let removedFirst = 0;
    let delta = 0;
    const changed = lines.map((line, i) => {
      if (!dedent) {
        delta += line.length ? INDENT.length : 0;
        return line.length ? INDENT + line : line;
      }
      const spaces = line.match(/^ {0,4}/)[0].length;
      const cut = spaces || (line.startsWith("\t") ? 1 : 0);
      delta -= cut;
      if (i === 0) {
        removedFirst = cut;
      }
      return line.slice(cut);
    });
    const text = changed.join("\n");
    const newStart = Math.max(first, start - removedFirst);
    const newEnd = end + delta;
    replaceRange(first, last, text,
                 multiline ? first : newStart,
                 multiline ? first + text.length : Math.max(newStart, newEnd));
  }

  code.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      escapePressed = true;
      return;
    }
    if (event.key === "Tab" && !event.ctrlKey && !event.altKey &&
        !event.metaKey) {
      if (escapePressed) {
        // Let Tab move the focus on, for keyboard users.
        escapePressed = false;
        return;
      }
      event.preventDefault();
      indent(event.shiftKey);
      return;
    }
    escapePressed = false;
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey &&
        !event.shiftKey && !event.altKey) {
      // Keep the line's indentation, one more after a colon.
      const value = code.value;
      const start = code.selectionStart;
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      const line = value.slice(lineStart, start);
      let pad = line.match(/^[ \t]*/)[0];
      if (/:\s*$/.test(line)) {
        pad += INDENT;
      }
      if (pad) {
        event.preventDefault();
        const at = start + 1 + pad.length;
        replaceRange(start, code.selectionEnd, "\n" + pad, at, at);
      }
    }
  });
  code.addEventListener("input", updateGutter);
  code.addEventListener("scroll", () => {
    gutter.scrollTop = code.scrollTop;
  });

  // -- limits ----------------------------------------------------------------

  function showCaps() {
    for (const name of LIMIT_NAMES) {
      const input = $("limit-" + name);
      input.max = String(caps[name]);
      if (input.value === "") {
        input.value = String(caps[name]);
      }
    }
    $("caps-note").textContent =
      `This server allows at most ${caps.cpu} s of CPU time, ` +
      `${caps.wall} s of wall time, ${caps.memory} MiB of memory and ` +
      `${caps.output} KiB of output per run.`;
  }

  function chosenLimits() {
    const limits = {};
    for (const name of LIMIT_NAMES) {
      const text = $("limit-" + name).value.trim();
      const value = Number(text === "" ? caps[name] : text);
      limits[name] = value;
    }
    return limits;
  }

  async function loadCaps() {
    try {
      const response = await fetch("/api/info", {cache: "no-store"});
      if (response.ok) {
        const info = await response.json();
        caps = info.limits;
      }
    } catch (e) {
      // Keep the defaults.
    }
    showCaps();
  }

  // -- results ---------------------------------------------------------------

  function setBadge(status, text) {
    statusBadge.dataset.status = status;
    statusBadge.className = "badge status-" + status;
    statusBadge.textContent = text;
  }

  function formatBytes(n) {
    if (n >= 1024 * 1024) {
      return (n / (1024 * 1024)).toFixed(1) + " MiB";
    }
    if (n >= 1024) {
      return (n / 1024).toFixed(1) + " KiB";
    }
    return n + " B";
  }

  function setStat(name, value, max, text) {
    const meter = $("meter-" + name);
    meter.max = max > 0 ? max : 1;
    meter.value = Math.min(value, meter.max);
    meter.low = meter.max * 0.5;
    meter.high = meter.max * 0.9;
    meter.optimum = 0;
    $("stat-" + name).textContent = text;
  }

  function clearStats() {
    for (const name of LIMIT_NAMES) {
      setStat(name, 0, 1, "–");
    }
  }

  function describe(result) {
    switch (result.status) {
      case "ok":
        return ["ok" + (result.exit_code ? ` (exit ${result.exit_code})` : ""),
                "The guest ended by itself."];
      case "error": {
        const type = result.error ? result.error.type : "error";
        return ["error: " + type,
                "An exception was not caught: " + type +
                (result.error && result.error.message ?
                 ": " + result.error.message : "")];
      }
      case "refused": {
        const op = result.refused ? result.refused.operation : "?";
        const kind = result.refused ? result.refused.kind : "";
        return ["refused: " + op,
                `Lockdown refused ${op}` + (kind ? ` (${kind}).` : ".")];
      }
      case "timeout":
        return ["timeout: " + result.timeout,
                `The ${result.timeout === "cpu" ? "CPU" : "wall"} time ` +
                "limit was reached; the worker was killed."];
      case "memory":
        return ["memory", "The memory limit was reached."];
      case "output":
        return ["output", "The output limit was reached; the output " +
                "was cut and the worker killed."];
      case "crashed":
        return ["crashed" + (result.signal ? ` (signal ${result.signal})` : ""),
                "The worker died" +
                (result.signal ? ` by signal ${result.signal}.` : ".")];
      default:
        return [String(result.status), ""];
    }
  }

  function showResult(result, limits) {
    const [badge, text] = describe(result);
    setBadge(result.status, badge);
    message.textContent = text;
    stdoutBox.textContent = result.stdout;
    stderrBox.textContent = result.stderr;
    stdoutBox.classList.toggle("empty", result.stdout === "");
    stderrBox.classList.toggle("empty", result.stderr === "");
    setStat("cpu", result.cpu_s, limits.cpu,
            `${result.cpu_s.toFixed(3)} s of ${limits.cpu} s`);
    setStat("wall", result.wall_s, limits.wall,
            `${result.wall_s.toFixed(3)} s of ${limits.wall} s`);
    const memoryLimit = limits.memory * 1024 * 1024;
    setStat("memory", result.max_rss_bytes, memoryLimit,
            `${formatBytes(result.max_rss_bytes)} peak of ` +
            `${limits.memory} MiB`);
    const written = new TextEncoder().encode(result.stdout + result.stderr)
      .length;
    setStat("output", written, limits.output * 1024,
            `${formatBytes(written)} of ${limits.output} KiB` +
            (result.truncated ? " (cut)" : ""));
  }

  function showFailure(status, text) {
    setBadge("server", status);
    message.textContent = text;
    stdoutBox.textContent = "";
    stderrBox.textContent = "";
    clearStats();
  }

  async function run() {
    if (running) {
      return;
    }
    running = true;
    runButton.disabled = true;
    setBadge("running", "running…");
    message.textContent = "";
    const limits = chosenLimits();
    try {
      const response = await fetch("/api/run", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({code: code.value, stdin: stdinBox.value,
                              limits: limits}),
        cache: "no-store",
      });
      let data = null;
      try {
        data = await response.json();
      } catch (e) {
        data = null;
      }
      if (response.ok && data && typeof data.status === "string") {
        showResult(data, limits);
      } else {
        const why = data && data.error ? data.error : response.statusText;
        const label = response.status === 429 ? "busy (429)" :
          `server error (${response.status})`;
        showFailure(label, why);
      }
    } catch (e) {
      showFailure("unreachable", "The server could not be reached: " + e);
    } finally {
      running = false;
      runButton.disabled = false;
    }
  }

  // -- sharing -----------------------------------------------------------------

  function toBase64Url(text) {
    const bytes = new TextEncoder().encode(text);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_")
      .replace(/=+$/, "");
  }

  function fromBase64Url(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return new TextDecoder("utf-8", {fatal: true}).decode(bytes);
  }

  function shareLink() {
    const params = new URLSearchParams();
    params.set("code", toBase64Url(code.value));
    if (stdinBox.value) {
      params.set("stdin", toBase64Url(stdinBox.value));
    }
    const url = location.origin + location.pathname + "#" + params.toString();
    history.replaceState(null, "", url);
    const box = $("share-url");
    box.value = url;
    $("share-box").hidden = false;
    box.focus();
    box.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        () => { message.textContent = "Share link copied."; },
        () => {});
    }
  }

  function loadFromFragment() {
    if (!location.hash.startsWith("#")) {
      return false;
    }
    const params = new URLSearchParams(location.hash.slice(1));
    if (!params.has("code")) {
      return false;
    }
    try {
      setCode(fromBase64Url(params.get("code")));
      stdinBox.value = params.has("stdin") ?
        fromBase64Url(params.get("stdin")) : "";
      return true;
    } catch (e) {
      message.textContent = "The link's code could not be read.";
      return false;
    }
  }

  // -- examples ----------------------------------------------------------------

  function fillExamples() {
    const select = $("examples");
    const groups = new Map();
    EXAMPLES.forEach((example, index) => {
      if (!groups.has(example.group)) {
        const group = document.createElement("optgroup");
        group.label = example.group;
        select.appendChild(group);
        groups.set(example.group, group);
      }
      const option = document.createElement("option");
      option.value = String(index);
      option.textContent = example.title;
      groups.get(example.group).appendChild(option);
    });
    select.addEventListener("change", () => {
      const example = EXAMPLES[Number(select.value)];
      if (select.value === "" || !example) {
        return;
      }
      setCode(example.code);
      stdinBox.value = example.stdin;
      select.value = "";
      code.focus();
    });
  }

  // -- start -------------------------------------------------------------------

  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  runButton.addEventListener("click", run);
  $("share").addEventListener("click", shareLink);
  window.addEventListener("hashchange", loadFromFragment);

  fillExamples();
  clearStats();
  if (!loadFromFragment()) {
    setCode(EXAMPLES[0].code);
  }
  loadCaps();
})();
