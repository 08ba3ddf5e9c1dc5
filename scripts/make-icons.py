#!/usr/bin/env python3
"""Draws the raster icons in public/ from the one description of the mark, public/favicon.svg.

Browsers, phones' home screens and the web app manifest want PNGs (and an ICO) in several sizes
and shapes, and those must all show the same mark as the SVG favicon. Rather than keep hand-made
bitmaps in step with it, this script reads favicon.svg and draws every raster from it, by pixel
maths (anti-aliased by supersampling), with the standard library only: no PIL, no ImageMagick,
so it runs the same on any machine with Python 3. The same SVG always gives the same pixels.
Run it after changing the mark, and commit the files it writes:

    scripts/make-icons.py

favicon.svg is read as a small subset of SVG: a square viewBox "0 0 N N", then <rect> (x, y,
width, height, rx/ry) and <circle> (cx, cy, r), filled with "#rgb"/"#rrggbb" (a `fill` on a
<g> is inherited), painted in document order. Anything else is refused, not guessed at. The
first shape is the tile (the rounded square behind the mark); the rest is the mark.

Written to public/:
    icon-192.png, icon-512.png   the SVG as drawn: tile with transparent corners (manifest, "any")
    icon-maskable-512.png        tile full bleed, mark inside the central 80 % safe zone, opaque
    apple-touch-icon.png         180 x 180, tile full bleed, opaque (iOS rounds the corners itself)
    favicon.ico                  16, 32 and 48 px PNG entries, drawn like icon-192.png
"""
import math
import os
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PUBLIC = os.path.join(ROOT, "public")
SVG = os.path.join(PUBLIC, "favicon.svg")

SUPERSAMPLE = 8  # samples per pixel side, for pixels that an edge crosses
SAFE_ZONE = 0.4  # a maskable icon's safe zone: a circle of 40 % of the size as radius, centred


# ---------------------------------------------------------------------------------------------
# The mark, from favicon.svg


class Circle:
    def __init__(self, cx, cy, r, colour):
        self.cx, self.cy, self.r, self.colour = cx, cy, r, colour

    def distance(self, x, y):
        """Signed distance from (x, y) to the edge: negative inside."""
        return math.hypot(x - self.cx, y - self.cy) - self.r

    def reach(self, x, y):
        """The farthest any point of the shape is from (x, y)."""
        return math.hypot(self.cx - x, self.cy - y) + self.r


class Rect:
    def __init__(self, x, y, w, h, rx, ry, colour):
        if rx != ry:
            sys.exit("make-icons: a <rect> with rx != ry is not supported")
        self.hx, self.hy = w / 2, h / 2
        self.cx, self.cy = x + self.hx, y + self.hy
        self.r = min(rx, self.hx, self.hy)
        self.colour = colour

    def distance(self, x, y):
        qx = abs(x - self.cx) - (self.hx - self.r)
        qy = abs(y - self.cy) - (self.hy - self.r)
        outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
        return outside + min(max(qx, qy), 0.0) - self.r

    def reach(self, x, y):
        return math.hypot(abs(self.cx - x) + self.hx, abs(self.cy - y) + self.hy)


def colour(value):
    text = value.strip().lower()
    if text.startswith("#") and len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    if not (text.startswith("#") and len(text) == 7):
        sys.exit(f"make-icons: fill {value!r} is not #rgb or #rrggbb")
    return tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))


def number(element, name, default=None):
    value = element.get(name)
    if value is None:
        if default is None:
            sys.exit(f"make-icons: <{local(element.tag)}> has no {name}")
        return default
    try:
        return float(value)
    except ValueError:
        sys.exit(f"make-icons: {name}={value!r} is not a plain number")


def local(tag):
    return tag.rsplit("}", 1)[-1]


def read_mark(path):
    """The viewBox size and the shapes of the SVG, in painting order."""
    svg = ET.parse(path).getroot()
    box = svg.get("viewBox", "").replace(",", " ").split()
    if len(box) != 4 or float(box[0]) or float(box[1]) or box[2] != box[3]:
        sys.exit('make-icons: the SVG needs a square viewBox "0 0 N N"')
    shapes = []

    def walk(element, fill):
        if element.get("transform") or element.get("style") or element.get("opacity"):
            sys.exit(f"make-icons: <{local(element.tag)}> has an attribute this script cannot draw")
        fill = element.get("fill", fill)
        for child in element:
            tag = local(child.tag)
            if tag in ("title", "desc"):
                continue
            child_fill = child.get("fill", fill)
            if tag == "g":
                walk(child, fill)
                continue
            if child.get("transform") or child.get("style") or child.get("opacity"):
                sys.exit(f"make-icons: <{tag}> has an attribute this script cannot draw")
            if child_fill is None or child_fill == "none":
                sys.exit(f"make-icons: <{tag}> needs a fill colour")
            if tag == "circle":
                shapes.append(
                    Circle(number(child, "cx", 0.0), number(child, "cy", 0.0), number(child, "r"),
                           colour(child_fill))
                )
            elif tag == "rect":
                rx = child.get("rx", child.get("ry", "0"))
                ry = child.get("ry", rx)
                shapes.append(
                    Rect(number(child, "x", 0.0), number(child, "y", 0.0), number(child, "width"),
                         number(child, "height"), float(rx), float(ry), colour(child_fill))
                )
            else:
                sys.exit(f"make-icons: <{tag}> is not supported (only rect and circle)")

    walk(svg, None)
    if len(shapes) < 2:
        sys.exit("make-icons: the SVG needs a tile and at least one shape of the mark")
    return float(box[2]), shapes


# ---------------------------------------------------------------------------------------------
# Drawing


def draw(size, view, tile, mark, full_bleed=False, mark_scale=1.0):
    """RGBA rows (bytearrays) of the icon at size x size pixels.

    The viewBox (view x view units) fills the picture. With full_bleed the tile's colour covers
    every pixel instead of the tile's shape; the mark is scaled by mark_scale about the centre.
    Shapes are painted in order, opaque, so a sample's colour is the last shape holding it; a
    pixel's colour is the average of its samples' premultiplied colours. Pixels that no edge
    comes near (by the shapes' signed distances) are taken from one sample, which is exact.
    """
    unit = view / size  # viewBox units per pixel
    centre = view / 2
    half_diagonal = unit * math.sqrt(0.5) * 1.0001
    # Each shape, with where it is looked up: the mark's points are moved towards the centre.
    layers = [(tile, 1.0, not full_bleed)] + [(shape, mark_scale, True) for shape in mark]

    def sample(x, y):
        colour = None
        for shape, scale, shaped in layers:
            if not shaped:
                colour = shape.colour
                continue
            sx = centre + (x - centre) / scale
            sy = centre + (y - centre) / scale
            if shape.distance(sx, sy) <= 0:
                colour = shape.colour
        return colour

    def near_edge(x, y):
        for shape, scale, shaped in layers:
            if not shaped:
                continue
            sx = centre + (x - centre) / scale
            sy = centre + (y - centre) / scale
            if abs(shape.distance(sx, sy)) * scale <= half_diagonal:
                return True
        return False

    n = SUPERSAMPLE
    offsets = [(i + 0.5) / n for i in range(n)]
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            x, y = (px + 0.5) * unit, (py + 0.5) * unit
            if not near_edge(x, y):
                c = sample(x, y)
                row += bytes((0, 0, 0, 0)) if c is None else bytes((*c, 255))
                continue
            r = g = b = a = 0
            for oy in offsets:
                for ox in offsets:
                    c = sample((px + ox) * unit, (py + oy) * unit)
                    if c is not None:
                        r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
            if a == 0:
                row += bytes((0, 0, 0, 0))
            else:
                # Un-premultiply: the colour of the covered part, with its coverage as alpha.
                row += bytes((round(r / a), round(g / a), round(b / a), round(255 * a / (n * n))))
        rows.append(row)
    return rows


def mark_reach(view, mark):
    """The farthest the mark comes from the centre of the viewBox, in viewBox units."""
    return max(shape.reach(view / 2, view / 2) for shape in mark)


# ---------------------------------------------------------------------------------------------
# PNG and ICO


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filtered(row, prior, bpp):
    """The row under each of PNG's five filters, the one with the least sum of |signed byte|."""
    n = len(row)
    left = bytes(bpp) + bytes(row[: n - bpp])
    upleft = bytes(bpp) + bytes(prior[: n - bpp])
    options = [
        bytes(row),
        bytes((row[i] - left[i]) & 255 for i in range(n)),
        bytes((row[i] - prior[i]) & 255 for i in range(n)),
        bytes((row[i] - ((left[i] + prior[i]) >> 1)) & 255 for i in range(n)),
        bytes((row[i] - paeth(left[i], prior[i], upleft[i])) & 255 for i in range(n)),
    ]
    cost = [sum(v if v < 128 else 256 - v for v in option) for option in options]
    kind = cost.index(min(cost))
    return bytes((kind,)) + options[kind]


def png(rows, opaque):
    """A PNG of RGBA rows: 8-bit RGBA, or RGB when opaque (then every alpha must be 255)."""
    size = len(rows)
    if opaque:
        if any(row[i] != 255 for row in rows for i in range(3, len(row), 4)):
            sys.exit("make-icons: an opaque icon came out with transparent pixels")
        rows = [bytearray(b for i, b in enumerate(row) if i % 4 != 3) for row in rows]
    bpp = 3 if opaque else 4
    data = bytearray()
    prior = bytes(size * bpp)
    for row in rows:
        data += filtered(row, prior, bpp)
        prior = row
    header = struct.pack(">IIBBBBB", size, size, 8, 2 if opaque else 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(data), 9))
        + chunk(b"IEND", b"")
    )


def ico(images):
    """An ICO of (size, PNG bytes) entries; Windows Vista on and every browser read PNG entries."""
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in images:
        out += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(data for _, data in images)


def write(name, data):
    with open(os.path.join(PUBLIC, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")


def main():
    view, shapes = read_mark(SVG)
    tile, mark = shapes[0], shapes[1:]
    # A maskable icon is cropped to any shape inside the safe zone: keep the mark within it.
    reach = mark_reach(view, mark)
    maskable_scale = min(1.0, SAFE_ZONE * view / reach)
    assert reach * maskable_scale <= SAFE_ZONE * view + 1e-9

    for size in (192, 512):
        write(f"icon-{size}.png", png(draw(size, view, tile, mark), opaque=False))
    write(
        "icon-maskable-512.png",
        png(draw(512, view, tile, mark, full_bleed=True, mark_scale=maskable_scale), opaque=True),
    )
    write("apple-touch-icon.png", png(draw(180, view, tile, mark, full_bleed=True), opaque=True))
    write("favicon.ico", ico([(s, png(draw(s, view, tile, mark), opaque=False)) for s in (16, 32, 48)]))


if __name__ == "__main__":
    main()
