#!/usr/bin/env python3
"""The module layering of ARCHITECTURE.md, checked (a `make test` stage).

Each top-level module of `app/src` belongs to one layer, and may name (`crate::x`, `use crate::{x…}`)
only modules of its own layer or of layers below it. Across every crate checked, the import
graph between top-level modules must also have no cycle, inside a layer too. A module missing
from LAYERS fails the check, so a new one is placed on purpose.

    scripts/check-layers.py            # checks app/src and server/src, exit 1 on any violation
"""
import os
import re
import sys

# Lowest first. Keep in step with ARCHITECTURE.md ("The layers").
APP_LAYERS = [
    ("vocabulary", ["error", "i18n", "domain", "forms", "components"]),
    ("infrastructure", ["audit", "jobs", "limits", "listen", "metering", "partner_center", "live", "secrets", "state", "gib"]),
    ("identity", ["auth"]),
    (
        "features",
        [
            # Webhooks: lowest, beside the outbox; every feature that commits something a partner's
            # systems care about emits through it, and it uses no feature (issue #17).
            "webhooks",
            "notifications",
            "billing",
            "invoicing",
            "provisioning",
            "subscriptions",
            "orders",
            "customers",
            "cart",
            "catalog",
            "checkout",
            "onboarding",
            "operations",
            "partners",
            "portal",
            "backoffice",
            # Global search: reads every feature's tables by itself, names none of them.
            "search",
            # The partner API and its keys: speaks through checkout, orders, customers,
            # subscriptions, billing and catalog.
            "partner_api",
        ],
    ),
    ("shell", ["app", "lib"]),
]

REF = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
GROUP = re.compile(r"\buse\s+crate::\{(.*?)\};", re.S)
COMMENT = re.compile(r"//[^\n]*")


def top_level(src, path):
    rel = os.path.relpath(path, src)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first


def references(text):
    """(module, line) for every top-level module a file names."""
    found = []
    for m in REF.finditer(text):
        found.append((m.group(1), text.count("\n", 0, m.start()) + 1))
    for g in GROUP.finditer(text):
        body, depth, item, start = g.group(1), 0, "", g.start(1)
        items = []
        for i, ch in enumerate(body):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                items.append((item, start + i))
                item = ""
            else:
                item += ch
        items.append((item, start + len(body)))
        for it, pos in items:
            m = re.match(r"\s*([a-z_][a-z0-9_]*)", it)
            if m:
                found.append((m.group(1), text.count("\n", 0, pos) + 1))
    return found


def graph(src):
    edges = {}
    for root, _, files in os.walk(src):
        for f in sorted(files):
            if not f.endswith(".rs"):
                continue
            path = os.path.join(root, f)
            here = top_level(src, path)
            text = COMMENT.sub("", open(path, encoding="utf-8").read())
            for target, line in references(text):
                if target in (here, "self", "super"):
                    continue
                edges.setdefault(here, {}).setdefault(target, f"{os.path.relpath(path)}:{line}")
    return edges


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    nodes = sorted(set(edges) | {t for ts in edges.values() for t in ts})
    for v in nodes:
        if v not in index:
            visit(v)
    return out


def check(src, layers):
    problems = []
    edges = graph(src)
    rank = {m: i for i, (_, mods) in enumerate(layers or []) for m in mods}
    names = [name for name, _ in layers or []]
    present = {top_level(src, os.path.join(src, e)) for e in os.listdir(src) if e.endswith(".rs") or os.path.isdir(os.path.join(src, e))}
    if layers:
        for m in sorted(present - set(rank) - {"main"}):
            problems.append(f"{src}: module `{m}` has no layer: add it to LAYERS in scripts/check-layers.py and to ARCHITECTURE.md")
        for a, targets in sorted(edges.items()):
            for b, where in sorted(targets.items()):
                if a in rank and b in rank and rank[b] > rank[a]:
                    problems.append(
                        f"{where}: `{a}` ({names[rank[a]]}) imports `{b}` ({names[rank[b]]}), a layer above it"
                    )
    for comp in cycles(edges):
        problems.append(f"{src}: import cycle between {', '.join(comp)}:")
        for a in comp:
            for b in comp:
                if b in edges.get(a, {}):
                    problems.append(f"    {a} -> {b}  ({edges[a][b]})")
    count = sum(len(t) for t in edges.values())
    print(f"{src}: {len(present)} modules, {count} imports between them")
    return problems


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(top)
    problems = check("app/src", APP_LAYERS) + check("server/src", None)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layering problem(s); see ARCHITECTURE.md")
        return 1
    print("layers hold, no import cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
