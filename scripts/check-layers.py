#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# The one-way layers of lib/ (docs/architecture.md): a file may include
# the headers of its own layer and of the layers below it, never one of a
# layer above (an upward include is how an upward call starts). The
# embedding example may include the public headers only. With
# --archive LAYER=PATH for each layer's static library (lowest first, as
# meson passes them), it also reads their symbols with nm: a layer may
# call only what it or a layer below defines, so a call upward that got
# past the includes (a prototype written by hand) is found too. Exits 1
# and names every offence; a meson test runs this in make test.
import argparse
import re
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

# Lowest first, as lib/meson.build builds and links them; the program
# (app/), the benchmark and the tests sit above them all.
LAYERS = [(name, root / "lib" / name) for name in
          ("include", "core", "net", "tcp", "app", "proxy", "http",
           "engine")]
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


def symbols(path, which):
    """Global symbols an archive defines or leaves undefined."""
    out = subprocess.run(["nm", "-g", "--" + which + "-only", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines()
            if line and not line.endswith(":")}


def check_archives(archives):
    """Upward calls: a layer's undefined symbols defined above it."""
    bad = []
    defs = [(name, symbols(path, "defined")) for name, path in archives]
    for i, (name, path) in enumerate(archives):
        below = set().union(*(d for _, d in defs[:i + 1]))
        for sym in sorted(symbols(path, "undefined")):
            for upper, d in defs[i + 1:]:
                if sym in d and sym not in below:
                    bad.append("%s (layer %s) calls %s of layer %s" % (
                        Path(path).name, name, sym, upper))
                    break
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--archive", action="append", default=[],
                    metavar="LAYER=PATH")
    args = ap.parse_args()
    hdr = headers()
    bad = check_archives([a.split("=", 1) for a in args.archive])
    # Every source of lib/ belongs to a layer: a file left at the top or
    # in a folder of its own would be checked by nothing.
    for f in sorted((root / "lib").rglob("*.[ch]")):
        if layer_of(f) is None:
            bad.append("%s is in no layer" % f.relative_to(root))
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
    print("check-layers: %d upward include(s) or call(s) in %s%s" % (
        len(bad), ", ".join(n for n, _ in LAYERS),
        " (and %d archives)" % len(args.archive) if args.archive else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
