#!/usr/bin/env python3
"""Build the world outline used by the places page (Savoirs).

Decodes Natural Earth 1:110m land from the TopoJSON file shipped in the npm
package world-atlas@2.0.2 (land-110m.json) and writes a single SVG path
``d`` attribute in an equirectangular projection: x = longitude,
y = -latitude, so the intended viewBox is "-180 -90 360 180".

Python 3 standard library only.

Usage (from the repository root):

    (cd /tmp && npm pack world-atlas@2.0.2)
    python3 tools/natural-earth-land.py /tmp/world-atlas-2.0.2.tgz

The argument may be the npm tarball or an extracted land-110m.json.
Output: templates/static/vendor/natural-earth/land-110m.txt (override with
a second argument).
"""

import json
import os
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(
    HERE, "..", "templates", "static", "vendor", "natural-earth", "land-110m.txt"
)
MEMBER = "package/land-110m.json"


def load_topology(path):
    if path.endswith((".tgz", ".tar.gz")):
        with tarfile.open(path, "r:gz") as tar:
            f = tar.extractfile(MEMBER)
            if f is None:
                sys.exit("%s: no %s in archive" % (path, MEMBER))
            return json.load(f)
    with open(path, "rb") as f:
        return json.load(f)


def decode_arcs(topo):
    """Return the arcs as lists of absolute (lon, lat) float pairs."""
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        if transform:
            (kx, ky), (dx, dy) = transform["scale"], transform["translate"]
            x = y = 0
            pts = []
            for p in arc:
                x += p[0]
                y += p[1]
                pts.append((x * kx + dx, y * ky + dy))
        else:
            pts = [(p[0], p[1]) for p in arc]
        arcs.append(pts)
    return arcs


def ring_points(ring, arcs):
    """Stitch a ring (list of arc indexes, ~i meaning arc i reversed)."""
    pts = []
    for index in ring:
        if index < 0:
            arc = arcs[~index][::-1]
        else:
            arc = arcs[index]
        # consecutive arcs share their junction point: drop the duplicate
        pts.extend(arc if not pts else arc[1:])
    return pts


def unwrap(points):
    """Make longitudes continuous (no +-360 jumps across the antimeridian)."""
    out = [points[0]]
    shift = 0.0
    for (px, _), (x, y) in zip(points, points[1:]):
        if x - px > 180:
            shift -= 360
        elif px - x > 180:
            shift += 360
        out.append((x + shift, y))
    return out


def clip_half(points, inside, cross):
    """One Sutherland-Hodgman pass against a vertical line."""
    out = []
    for i, cur in enumerate(points):
        prev = points[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(cross(prev, cur))
            out.append(cur)
        elif inside(prev):
            out.append(cross(prev, cur))
    return out


def at_lon(lon):
    def cross(a, b):
        t = (lon - a[0]) / (b[0] - a[0])
        return (lon, a[1] + t * (b[1] - a[1]))
    return cross


def split_antimeridian(points):
    """Yield rings that stay within lon -180..180.

    Rings crossing the antimeridian (Chukotka, Fiji) are unwrapped, then
    clipped to [-180, 180] for each of three 360-degree shifts.  A ring
    circling a pole (Antarctica) is closed along the pole first.
    """
    if all(-180 <= x <= 180 for x, _ in points) and not any(
        abs(b[0] - a[0]) > 180 for a, b in zip(points, points[1:])
    ):
        yield points
        return
    ring = unwrap(points)
    if ring[0] == ring[-1]:
        ring = ring[:-1]
    winding = ring[-1][0] - ring[0][0]
    if abs(winding) > 180:  # polar ring: go down to the pole and back
        pole = 90.0 if sum(y for _, y in ring) > 0 else -90.0
        # the unwrapped ring ends 360 degrees away from where it started
        ring = ring + [(ring[-1][0], pole), (ring[0][0], pole)]
    for k in (-360.0, 0.0, 360.0):
        shifted = [(x + k, y) for x, y in ring]
        part = clip_half(shifted, lambda p: p[0] >= -180, at_lon(-180.0))
        if part:
            part = clip_half(part, lambda p: p[0] <= 180, at_lon(180.0))
        if len(part) >= 3:
            yield part


def polygons(geometry):
    kind = geometry["type"]
    if kind == "Polygon":
        yield geometry["arcs"]
    elif kind == "MultiPolygon":
        for poly in geometry["arcs"]:
            yield poly
    elif kind == "GeometryCollection":
        for g in geometry["geometries"]:
            yield from polygons(g)


def fmt(tenths):
    """Format an integer number of tenths compactly: 5 -> .5, -123 -> -12.3"""
    sign = "-" if tenths < 0 else ""
    q, r = divmod(abs(tenths), 10)
    if r == 0:
        return sign + str(q)
    return sign + (str(q) if q else "") + "." + str(r)


def join_numbers(nums):
    out = []
    for i, n in enumerate(nums):
        s = fmt(n)
        if i and not s.startswith("-") and not (s.startswith(".") and "." in out[-1]):
            out.append(" ")
        out.append(s)
    return "".join(out)


def ring_path(points):
    # Round to 0.1 degree in integer tenths first, then take deltas of the
    # rounded values: relative commands stay exact, no drift.
    q = []
    for lon, lat in points:
        p = (round(lon * 10), round(-lat * 10))
        if not q or q[-1] != p:
            q.append(p)
    if len(q) > 1 and q[0] == q[-1]:
        q.pop()  # "z" closes the ring
    if len(q) < 3:
        return ""
    x0, y0 = q[0]
    deltas = []
    px, py = x0, y0
    for x, y in q[1:]:
        deltas += [x - px, y - py]
        px, py = x, y
    return "M" + join_numbers([x0, y0]) + "l" + join_numbers(deltas) + "z"


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[2] if len(argv) > 2 else DEFAULT_OUT
    topo = load_topology(argv[1])
    arcs = decode_arcs(topo)
    parts = []
    rings = 0
    for poly in polygons(topo["objects"]["land"]):
        for ring in poly:
            for piece in split_antimeridian(ring_points(ring, arcs)):
                d = ring_path(piece)
                if d:
                    parts.append(d)
                    rings += 1
    path = "".join(parts)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="ascii", newline="\n") as f:
        f.write(path + "\n")
    print("%s: %d rings, %d bytes" % (out, rings, len(path) + 1), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
