"""Run a piece of untrusted code under lockdown and show what happens.

The host prepares what the guest may use (an open file, a listening
socket, the modules in lockdownlib.SAFE_MODULES), locks the interpreter,
then runs the guest, which tries its luck.
"""

import lockdownlib
import os
import socket
import tempfile

GUEST = r'''
attempts = [
    ("read /etc/passwd", lambda: open("/etc/passwd").read()),
    ("write a file", lambda: open("/tmp/ldp-demo-escape", "w")),
    ("os.open a file", lambda: os.open("/etc/hostname", os.O_RDONLY)),
    ("list a directory", lambda: os.listdir("/")),
    ("run a shell command", lambda: os.system("id")),
    ("fork", lambda: os.fork()),
    ("start a subprocess", lambda: __import__("subprocess")),
    ("import a module from disk", lambda: __import__("json")),
    ("open a new socket", lambda: socket.socket()),
    ("connect out", lambda: listener.connect(("1.1.1.1", 53))),
]
for what, attempt in attempts:
    try:
        attempt()
    except RuntimeError as exc:
        print(f"  blocked   {what:28} {type(exc).__name__}: {exc} "
              f"[{exc.kind}: {exc.operation}]")
    else:
        print(f"  ALLOWED   {what}")

# What the host handed over before locking keeps working.
log.write("the guest wrote to the host's log\n")
log.flush()
conn, _ = listener.accept()
print("  works     accept() on the host's listening socket:",
      conn.recv(5).decode())
print("  works     computing:", sum(i * i for i in range(10)),
      sorted({"b", "a"}), f"{2 ** 100:,}"[:9] + "...")
'''


def main():
    # Everything the guest may use is made before locking.
    log = tempfile.TemporaryFile("w+")
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    client.sendall(b"hello")

    print("host: lockdownlib.SAFE_MODULES =",
          ", ".join(sorted(lockdownlib.SAFE_MODULES)))
    print("host: locking down")
    lockdownlib.lockdown()
    print("host: locked:", lockdownlib.is_locked())
    print("guest:")
    exec(GUEST, {"os": os, "socket": socket, "log": log,
                 "listener": listener})
    log.seek(0)
    print("host: read back from the log opened before lockdown:",
          log.read().strip())


if __name__ == "__main__":
    main()
