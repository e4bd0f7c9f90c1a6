"""Summarise a sampling profile: py-spy's collapsed stacks (`py-spy record --format raw`).

    py-spy record --format raw -o var/intake.stacks -- onevisit bench intake --profile 500
    python -m bench.stacks var/intake.stacks --within file_once

Prints, for the samples whose stack passes through the `--within` function: the share of
time by where it was spent (the innermost frame's library or onevisit app), and the
onevisit functions and the libraries' entry points by inclusive share. Samples, not
instrumentation: the shares are those of the real run.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterable
from typing import TextIO

FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def place(file: str) -> str:
    """onevisit's app (onevisit.applications), or a library's or the standard library's
    package and module (django.db, json.encoder). py-spy names files from their import
    root; a path it left absolute is cut at site-packages or at its last two parts."""
    parts = file.replace("\\", "/").split("/")
    if "onevisit" in parts[:-1]:
        parts = parts[len(parts) - 1 - parts[::-1].index("onevisit"):]
    elif "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1:]
    elif file.startswith("/"):
        parts = parts[-2:]
    return ".".join(parts[:2]).removesuffix(".py")


def parse(lines: Iterable[str]) -> Iterable[tuple[list[tuple[str, str]], int]]:
    """Each stack as (function, place) frames, outermost first, with its sample count."""
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = []
        for frame in stack.split(";"):
            match = FRAME.match(frame)
            if match:
                frames.append((match["function"], place(match["file"])))
            else:
                frames.append((frame, "?"))
        yield frames, int(count)


def summarise(lines: Iterable[str], *, within: str, out: TextIO, top: int = 30) -> None:
    total = 0
    innermost: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    entries: Counter[str] = Counter()
    for frames, count in parse(lines):
        starts = [index for index, (function, _place) in enumerate(frames)
                  if function == within or function.endswith("." + within)]
        if not starts:
            continue
        frames = frames[starts[0]:]
        total += count
        innermost[frames[-1][1]] += count
        seen_ours: set[str] = set()
        seen_entries: set[str] = set()
        for (function, where), (_next_function, next_where) in zip(
                frames, [*frames[1:], ("", "")], strict=True):
            if where.startswith("onevisit"):
                seen_ours.add(f"{where}.{function}")
            # A library (or the standard library) entered from onevisit: its entry.
            if (where.startswith("onevisit") and next_where
                    and not next_where.startswith("onevisit")):
                seen_entries.add(f"{next_where} from {where}.{function}")
        ours.update(dict.fromkeys(seen_ours, count))
        entries.update(dict.fromkeys(seen_entries, count))
    if not total:
        out.write(f"no samples pass through {within}\n")
        return
    out.write(f"{total} samples through {within}\n\nwhere the time is spent (innermost frame)\n")
    for key, count in innermost.most_common(top):
        out.write(f"  {count / total:6.1%}  {key}\n")
    out.write("\nonevisit's functions, inclusive\n")
    for key, count in ours.most_common(top):
        out.write(f"  {count / total:6.1%}  {key}\n")
    out.write("\nlibraries as onevisit calls them, inclusive\n")
    for key, count in entries.most_common(top):
        out.write(f"  {count / total:6.1%}  {key}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stacks")
    parser.add_argument("--within", required=True,
                        help="only samples whose stack passes through this function")
    parser.add_argument("--top", type=int, default=30)
    arguments = parser.parse_args(argv)
    with open(arguments.stacks, encoding="utf-8") as handle:
        summarise(handle, within=arguments.within, out=sys.stdout, top=arguments.top)


if __name__ == "__main__":
    main()
