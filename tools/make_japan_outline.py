#!/usr/bin/env python3
"""Generate ``assets/maps/japan_prefectures.json``: simplified prefecture outlines of Japan,
drawn under everything else on the map charts of ``bcpsim charts`` / ``bcpsim report``.

Source: the same JMA data as ``tools/make_regions.py`` (whose loader this reuses): the Japan
Meteorological Agency's forecast-area GIS polygons of municipalities (市町村等), as embedded
in the PyPI wheel ``reversejp`` 0.1.1 (code MIT by ringsaturn; data "出典：気象庁ホームページ",
JMA website terms of use = Government of Japan Standard Terms of Use 2.0, compatible with
CC BY 4.0). Nothing is downloaded at run time.

Method:

1. Municipal polygons grouped by prefecture (first two digits of the JMA code; the
   Northern Territories, JMA code "hoppo", with Hokkaido), unioned, sliver holes between
   municipal polygons filled.
2. Islands smaller than ``--min-island-km2`` are dropped (the outline is for orientation:
   the main islands, Sado, Awaji, the Izu and Oki islands, Tsushima, Okinawa... stay).
3. The 47 prefectures are simplified together as a coverage
   (``shapely.coverage_simplify``, Visvalingam-Whyatt, shared borders simplified once, so
   neighbours still meet without gaps or overlaps) with ``--tolerance-deg``; coordinates
   rounded to 3 decimals (~100 m).
4. Measured and written into the file: the symmetric Hausdorff distance (km, in an
   azimuthal equidistant projection centred on Japan) between each simplified prefecture
   and its unsimplified union; the largest is ``max_error_km``.

How to run (from the repository root; not run in CI)::

    python3 -m pip install 'reversejp==0.1.1' 'shapely>=2.1' 'pyproj>=3.4' numpy
    python3 tools/make_japan_outline.py          # rewrite the file
    python3 tools/make_japan_outline.py --check  # exit 1 if it differs from a fresh run

Tested with Python 3.11, reversejp 0.1.1, shapely 2.2.0 (GEOS 3.14.1), pyproj 3.7.2.
"""

from __future__ import annotations

import argparse
import collections
import json
import pathlib
import sys

import shapely
from shapely.geometry import Polygon, shape
from shapely.geometry.polygon import orient

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_regions import (  # noqa: E402
    PREF_OFFICES,
    fill_holes,
    load_jma_municipalities,
    polygons_of,
    projector,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "maps" / "japan_prefectures.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tolerance-deg", type=float, default=0.01)
    ap.add_argument("--min-island-km2", type=float, default=40.0)
    ap.add_argument("--check", action="store_true", help="compare with the file, write nothing")
    args = ap.parse_args()

    feats, version, digest = load_jma_municipalities()
    by_pref = collections.defaultdict(list)
    for f in feats:
        code = f["properties"]["code"]
        # "hoppo" (the Northern Territories) is drawn with Hokkaido, as on the maps of
        # the Government of Japan.
        pref = code[:2] if code[:2].isdigit() else "01"
        g = shapely.make_valid(shape(f["geometry"]))
        by_pref[pref].append(shapely.union_all(polygons_of(g)))
    to_m, _ = projector(137.0, 36.0)
    names = {c: (en, ja) for c, en, ja, _, _ in PREF_OFFICES}
    codes = sorted(by_pref)
    if codes != sorted(names):
        sys.exit(f"expected the 47 prefecture codes, found {codes}")

    full = []
    for c in codes:
        u = shapely.union_all(by_pref[c])
        keep = [
            fill_holes(p)
            for p in polygons_of(u)
            if to_m(p).area / 1e6 >= args.min_island_km2
        ]
        full.append(shapely.MultiPolygon(keep).buffer(0))
    simple = shapely.coverage_simplify(full, args.tolerance_deg)

    prefs = []
    errors = []
    n_vertices = 0
    for c, f, s in zip(codes, full, simple):
        rings = []
        for p in polygons_of(s):
            p = orient(Polygon(p.exterior), 1.0)
            pts = [[round(x, 3), round(y, 3)] for x, y in p.exterior.coords]
            dedup = [pts[0]] + [q for a, q in zip(pts, pts[1:]) if q != a]
            if len(dedup) >= 4:
                rings.append(dedup)
                n_vertices += len(dedup) - 1
        err = shapely.hausdorff_distance(to_m(f), to_m(s)) / 1e3
        errors.append(err)
        en, ja = names[c]
        prefs.append(
            {"code": c, "name_en": en, "name_ja": ja, "error_km": round(err, 1), "rings": rings}
        )

    doc = {
        "what": "Simplified outlines of the 47 prefectures of Japan, for orientation on maps",
        "generated_by": "tools/make_japan_outline.py (rerun it rather than editing)",
        "source": (
            "Japan Meteorological Agency forecast-area GIS polygons of municipalities "
            f"(市町村等), as embedded in the PyPI wheel reversejp {version}; SHA-256 of the "
            f"embedded landslides_0..9.json: {digest}"
        ),
        "licence": (
            "data: 出典 気象庁ホームページ (JMA website terms of use = Government of Japan "
            "Standard Terms of Use 2.0, compatible with CC BY 4.0); reversejp code: MIT"
        ),
        "method": (
            f"prefecture unions; islands < {args.min_island_km2:g} km2 dropped; "
            f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}) "
            f"coverage_simplify tolerance {args.tolerance_deg:g} deg; 3 decimals"
        ),
        "tolerance_deg": args.tolerance_deg,
        "max_error_km": round(max(errors), 1),
        "vertices": n_vertices,
        "prefectures": prefs,
    }
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    if args.check:
        old = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if old != text:
            print(f"{OUT} differs from a fresh run", file=sys.stderr)
            return 1
        print("up to date")
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(
        f"wrote {OUT} ({len(text.encode()) / 1024:.0f} KiB, {n_vertices} vertices, "
        f"max Hausdorff error {max(errors):.1f} km)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
