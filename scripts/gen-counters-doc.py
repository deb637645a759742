#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Regenerate the counter table of docs/counters.md from SF_COUNTER_LIST in
# lib/include/sf_counters.h, the single source of counter names. With
# --check, exit 1 when the document is out of date (a meson test runs
# this).
import re
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
header = (root / "lib" / "include" / "sf_counters.h").read_text()
doc_path = root / "docs" / "counters.md"

body = header.split("#define SF_COUNTER_LIST(X)", 1)[1].split("\n\n", 1)[0]
body = body.replace("\\\n", " ")
entries = re.findall(r'X\((\w+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', body)
rows = ["| counter | kind | meaning |", "| --- | --- | --- |"]
for name, desc in entries:
    text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', desc))
    kind = "drop" if name.startswith("drop_") or \
        name in ("tx_dropped", "tx_handoff_dropped") else "event"
    rows.append(f"| `{name}` | {kind} | {text} |")
table = "\n".join(rows)

begin, end = "<!-- counters:begin -->", "<!-- counters:end -->"
doc = doc_path.read_text()
pre, rest = doc.split(begin, 1)
post = rest.split(end, 1)[1]
new = f"{pre}{begin}\n{table}\n{end}{post}"
if "--check" in sys.argv:
    if new != doc:
        print("docs/counters.md is out of date: "
              "run scripts/gen-counters-doc.py", file=sys.stderr)
        sys.exit(1)
    print(f"docs/counters.md lists all {len(entries)} counters")
    sys.exit(0)
doc_path.write_text(new)
