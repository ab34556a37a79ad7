"""The files that a tool of Tools/lockdown writes from its data (the
operations table, the inventory): whether each still holds what the tool
would write."""

import os


def out_of_date(files, root, tool):
    """Return a problem line for each (path, text) of FILES whose file does
    not hold TEXT, naming it relative to ROOT and the TOOL that writes it."""
    found = []
    for path, text in files:
        try:
            with open(path, encoding="utf-8") as f:
                current = f.read()
        except OSError:
            current = None
        if current != text:
            found.append(f"{os.path.relpath(path, root)}: out of date "
                         f"(run {tool} --update)")
    return found
