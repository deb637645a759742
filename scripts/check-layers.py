#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# The one-way layers of lib/ (docs/architecture.md): a file may include
# the headers of its own layer and of the layers below it, never one of a
# layer above (an upward include is how an upward call starts). The
# embedding example may include the public headers only. Exits 1 and
# names every offending include; a meson test runs this in make test.
import re
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

# Lowest first. lib/ itself is the layer still being split into net/,
# tcp/, app/ and engine/ (issue 15); app/ and bench/ sit above it all.
LAYERS = [
    ("include", root / "lib" / "include"),
    ("core", root / "lib" / "core"),
    ("lib", root / "lib"),
]
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)


def layer_of(path):
    for i, (name, d) in enumerate(LAYERS):
        if path.parent == d:
            return i
    return None


def headers():
    """Project header name -> its layer index."""
    found = {}
    for i, (name, d) in enumerate(LAYERS):
        for h in d.glob("*.h"):
            assert h.name not in found, "two headers named %s" % h.name
            found[h.name] = i
    return found


def main():
    hdr = headers()
    bad = []
    for i, (name, d) in enumerate(LAYERS):
        for f in sorted(list(d.glob("*.c")) + list(d.glob("*.h"))):
            for inc in INCLUDE.findall(f.read_text()):
                j = hdr.get(Path(inc).name)
                if j is not None and j > i:
                    bad.append("%s includes %s of layer %s (it is %s)" % (
                        f.relative_to(root), inc, LAYERS[j][0], name))
    for f in sorted((root / "examples").rglob("*.c")):
        for inc in INCLUDE.findall(f.read_text()):
            j = hdr.get(Path(inc).name)
            if j is not None and j != 0:
                bad.append("%s includes %s: not a public header" % (
                    f.relative_to(root), inc))
    for b in bad:
        print("check-layers: " + b, file=sys.stderr)
    print("check-layers: %d upward include(s) in %s" % (
        len(bad), ", ".join(n for n, _ in LAYERS)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
