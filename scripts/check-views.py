#!/usr/bin/env python3
"""Fails when a view gives an <input> or <textarea> its value only as a DOM property.

`prop:value` is set by the browser once the page is hydrated; the server never renders it, so
without JavaScript (or before the bundle loads) such a field is blank, and posting it sends
nothing. Every element with `prop:value` must also carry `value=` for the server's HTML.

Usage: check-views.py SRC_DIR..."""
import os
import re
import sys

element = re.compile(r'<(input|textarea)\b(.*?)/?>', re.S)
problems = []
for src in sys.argv[1:]:
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith('.rs'):
                continue
            path = os.path.join(root, name)
            text = open(path, encoding='utf-8').read()
            for m in element.finditer(text):
                attrs = m.group(2)
                if 'prop:value' in attrs and not re.search(r'(?<![:\w])value=', attrs):
                    line = text.count('\n', 0, m.start()) + 1
                    problems.append(f'{path}:{line}: <{m.group(1)}> has prop:value but no value= for the server render')
for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f'views: every prop:value field is also rendered by the server')
