#!/usr/bin/env python3
"""Generate ``scenarios/common/regions.toml`` and ``scenarios/common/prefecture_capitals.csv``.

The region outlines are unions of real prefecture boundaries, simplified, with the error
measured:

* Boundary data: the Japan Meteorological Agency's (JMA) forecast-area GIS polygons for
  "municipalities etc." (市町村等, the areas of landslide warnings), as embedded in the
  PyPI wheel ``reversejp`` 0.1.1 (MIT-licensed code by ringsaturn; data
  "出典：気象庁ホームページ", used under the JMA website terms of use, which follow the
  Government of Japan Standard Terms of Use 2.0 and are compatible with CC BY 4.0).
  The wheel embeds the data as ZIP archives inside its compiled module; this script finds
  them there by their ZIP end-of-central-directory records, so nothing is downloaded at
  run time. Municipal polygons are grouped by prefecture (first two digits of the JMA
  code) and unioned; sliver holes between municipal polygons are filled.
* Kept: the main landmass of each region, islands of at least ``--big-island-km2``
  (Awaji), and islands of at least ``--near-island-km2`` within ``--near-island-km`` of
  the main landmass (reclaimed islands of Tokyo Bay and Osaka Bay, Kansai Airport,
  Kii-Oshima). The rest is dropped and listed in the output's comments: notably Tokyo's
  Izu and Ogasawara islands, 100-1000 km offshore, and Himeji's Ieshima islands.
* A closing of ``--closing-km`` over water only joins reclaimed islands to the shore
  across their canals.
* Sea margin: the sea within B km of the region's land and not within B km of another
  prefecture's land is added, with B starting at ``--coast-offset-km`` and raised until it
  is at least the simplification tolerance, so that simplification never cuts off coastal
  land (ports, reclaimed islands, airports, waterfront offices). At sea the outline lies
  up to ~B + tolerance offshore on purpose. ``--coast-offset-km 0 --closing-km 0`` gives
  outlines that follow the coast instead (measured Hausdorff 2.0 km / 4.0 km, but then
  9 waterfront checks fail: Kobe Port Island, Kansai Airport, Osaka Sakishima, Akashi...).
* Douglas-Peucker (shapely ``simplify(preserve_topology=True)``) with the smallest
  tolerance that keeps the region within ``--max-vertices`` vertices; coordinates
  rounded to 4 decimals; rings closed, counter-clockwise, valid and disjoint (asserted).
* Measured, in an azimuthal equidistant projection centred on the region: (a) how far
  from the outline land is misclassified (own land left outside, other prefectures' land
  taken inside; boundaries densified to 25 m plus a 100 m interior grid), which rounded
  up to 0.5 km is ``approximation_km``; (b) the symmetric Hausdorff distance to the full
  source boundary, coasts included (reported in comments; large by design because bays
  and harbours lie inside the outline).
* Point checks: the 16 points of the project brief, 31 more at waterfronts and just
  outside the regions, and all 47 prefectural offices, each compared with its prefecture
  in the JMA source. The exit status is 2 if any check fails.
* Optional independent cross-check of the source: if ``japanmap`` (PyPI, Apache-2.0) is
  installed, its (much coarser) prefecture outlines are unioned and compared.

Prefectural government office coordinates (``prefecture_capitals.csv``) are the
well-known published values (GSI's list of prefectural office positions in degrees,
minutes and seconds, as widely reproduced); each is checked to fall inside its own
prefecture in the JMA polygons.

How to run (from the repository root; not run in CI)::

    python3 -m pip install 'reversejp==0.1.1' 'shapely>=2.0' 'pyproj>=3.4' numpy
    python3 -m pip install --no-deps 'japanmap==0.6.0'   # optional cross-check only
    python3 tools/make_regions.py           # rewrite both files
    python3 tools/make_regions.py --check   # exit 1 if the files differ from a fresh run

Tested with Python 3.11, reversejp 0.1.1, shapely 2.2.0 (GEOS 3.14.1), pyproj 3.7.2,
numpy 2.4, japanmap 0.6.0 (installed with --no-deps: only its JSON data is used). Other
shapely/GEOS versions may move vertices slightly.
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import importlib.metadata
import io
import json
import math
import pathlib
import struct
import sys
import tomllib
import zipfile

import numpy as np
import pyproj
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.polygon import orient

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT_TOML = ROOT / "scenarios" / "common" / "regions.toml"
OUT_CSV = ROOT / "scenarios" / "common" / "prefecture_capitals.csv"

# ---------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------

REGIONS = [
    {
        "id": "capital",
        "name_en": "Capital region (Tokyo, Kanagawa, Saitama, Chiba)",
        "name_ja": "首都圏（東京都・神奈川県・埼玉県・千葉県）",
        "prefs": ["11", "12", "13", "14"],
        "centre": (139.7, 35.6),
    },
    {
        "id": "kansai",
        "name_en": "Kansai (Osaka, Kyoto, Hyogo, Nara, Wakayama, Shiga)",
        "name_ja": "関西（大阪府・京都府・兵庫県・奈良県・和歌山県・滋賀県）",
        "prefs": ["25", "26", "27", "28", "29", "30"],
        "centre": (135.5, 34.7),
    },
]

REGION_OF_PREF = {p: r["id"] for r in REGIONS for p in r["prefs"]}

# Point checks requested for the file header: (name, lon, lat, expected region).
POINT_CHECKS = [
    ("Tokyo Kasumigaseki", 139.7528, 35.6745, "capital"),
    ("Yokohama", 139.638, 35.4437, "capital"),
    ("Saitama city", 139.6489, 35.8617, "capital"),
    ("Chiba", 140.1233, 35.6047, "capital"),
    ("Tachikawa", 139.4077, 35.7139, "capital"),
    ("Osaka Otemae", 135.5200, 34.6863, "kansai"),
    ("Toyonaka", 135.4697, 34.7812, "kansai"),
    ("Kyoto", 135.7681, 35.0116, "kansai"),
    ("Kobe", 135.1955, 34.6901, "kansai"),
    ("Nagoya", 136.9066, 35.1815, "elsewhere"),
    ("Utsunomiya", 139.8836, 36.5551, "elsewhere"),
    ("Mito", 140.4468, 36.3418, "elsewhere"),
    ("Kofu", 138.5684, 35.6642, "elsewhere"),
    ("Sendai", 140.8719, 38.2682, "elsewhere"),
    ("Fukuoka", 130.4017, 33.5902, "elsewhere"),
    ("Tsu", 136.5086, 34.7303, "elsewhere"),
]

# Further checks near the outlines (approximate positions, to ~0.005 deg): waterfront and
# reclaimed-island sites that a simplified coastline could cut off, and places just outside
# the regions. Their expected region is the one of their prefecture in the JMA source.
EXTRA_CHECKS = [
    ("Haneda Airport T1", 139.7850, 35.5494),
    ("Odaiba", 139.7745, 35.6270),
    ("Tokyo Big Sight", 139.7944, 35.6298),
    ("Chuo-bohatei landfill", 139.8165, 35.5982),
    ("Yokohama Daikoku pier", 139.6780, 35.4630),
    ("Chiba port", 140.0900, 35.5800),
    ("Choshi", 140.8267, 35.7347),
    ("Tateyama (Chiba)", 139.8700, 34.9960),
    ("Kobe Port Island", 135.2122, 34.6657),
    ("Kobe Rokko Island", 135.2717, 34.6880),
    ("Kobe Airport", 135.2242, 34.6328),
    ("Kansai Airport T1", 135.2440, 34.4320),
    ("Osaka Sakishima", 135.4196, 34.6385),
    ("Osaka Yumeshima", 135.3900, 34.6500),
    ("Akashi station", 134.9927, 34.6490),
    ("Sumoto (Awaji)", 134.8950, 34.3400),
    ("Cape Shionomisaki", 135.7600, 33.4400),
    ("Maizuru", 135.3860, 35.4740),
    ("Kashima (Ibaraki)", 140.6200, 35.9700),
    ("Toride (Ibaraki)", 140.0500, 35.9100),
    ("Koga (Ibaraki)", 139.7550, 36.1780),
    ("Fujiyoshida (Yamanashi)", 138.8070, 35.4870),
    ("Gotemba (Shizuoka)", 138.9350, 35.3080),
    ("Atami (Shizuoka)", 139.0777, 35.1036),
    ("Naruto (Tokushima)", 134.6100, 34.1800),
    ("Shodoshima (Kagawa)", 134.2700, 34.4800),
    ("Hinase (Okayama)", 134.2628, 34.7353),
    ("Takahama (Fukui)", 135.5500, 35.4900),
    ("Nabari (Mie)", 136.1080, 34.6280),
    ("Iga (Mie)", 136.1300, 34.7700),
    ("Kumano (Mie)", 136.1000, 33.8900),
]

# ---------------------------------------------------------------------------------------
# Prefectural government offices: code, English, Japanese, lat, lon.
# Well-known published positions of the office buildings (GSI list of prefectural office
# coordinates, degrees-minutes-seconds converted to decimal degrees, as widely reproduced).
# Tokyo's is the Tokyo Metropolitan Government Building in Shinjuku.
# ---------------------------------------------------------------------------------------

PREF_OFFICES = [
    ("01", "Hokkaido", "北海道", 43.06417, 141.34694),
    ("02", "Aomori", "青森県", 40.82444, 140.74000),
    ("03", "Iwate", "岩手県", 39.70361, 141.15250),
    ("04", "Miyagi", "宮城県", 38.26889, 140.87194),
    ("05", "Akita", "秋田県", 39.71861, 140.10250),
    ("06", "Yamagata", "山形県", 38.24056, 140.36333),
    ("07", "Fukushima", "福島県", 37.75000, 140.46778),
    ("08", "Ibaraki", "茨城県", 36.34139, 140.44667),
    ("09", "Tochigi", "栃木県", 36.56583, 139.88361),
    ("10", "Gunma", "群馬県", 36.39111, 139.06083),
    ("11", "Saitama", "埼玉県", 35.85694, 139.64889),
    ("12", "Chiba", "千葉県", 35.60472, 140.12333),
    ("13", "Tokyo", "東京都", 35.68944, 139.69167),
    ("14", "Kanagawa", "神奈川県", 35.44778, 139.64250),
    ("15", "Niigata", "新潟県", 37.90222, 139.02361),
    ("16", "Toyama", "富山県", 36.69528, 137.21139),
    ("17", "Ishikawa", "石川県", 36.59444, 136.62556),
    ("18", "Fukui", "福井県", 36.06528, 136.22194),
    ("19", "Yamanashi", "山梨県", 35.66389, 138.56833),
    ("20", "Nagano", "長野県", 36.65139, 138.18111),
    ("21", "Gifu", "岐阜県", 35.39111, 136.72222),
    ("22", "Shizuoka", "静岡県", 34.97694, 138.38306),
    ("23", "Aichi", "愛知県", 35.18028, 136.90667),
    ("24", "Mie", "三重県", 34.73028, 136.50861),
    ("25", "Shiga", "滋賀県", 35.00444, 135.86833),
    ("26", "Kyoto", "京都府", 35.02139, 135.75556),
    ("27", "Osaka", "大阪府", 34.68639, 135.52000),
    ("28", "Hyogo", "兵庫県", 34.69139, 135.18306),
    ("29", "Nara", "奈良県", 34.68528, 135.83278),
    ("30", "Wakayama", "和歌山県", 34.22611, 135.16750),
    ("31", "Tottori", "鳥取県", 35.50361, 134.23833),
    ("32", "Shimane", "島根県", 35.47222, 133.05056),
    ("33", "Okayama", "岡山県", 34.66167, 133.93500),
    ("34", "Hiroshima", "広島県", 34.39639, 132.45944),
    ("35", "Yamaguchi", "山口県", 34.18583, 131.47139),
    ("36", "Tokushima", "徳島県", 34.06583, 134.55944),
    ("37", "Kagawa", "香川県", 34.34028, 134.04333),
    ("38", "Ehime", "愛媛県", 33.84167, 132.76611),
    ("39", "Kochi", "高知県", 33.55972, 133.53111),
    ("40", "Fukuoka", "福岡県", 33.60639, 130.41806),
    ("41", "Saga", "佐賀県", 33.24944, 130.29889),
    ("42", "Nagasaki", "長崎県", 32.74472, 129.87361),
    ("43", "Kumamoto", "熊本県", 32.78972, 130.74167),
    ("44", "Oita", "大分県", 33.23806, 131.61250),
    ("45", "Miyazaki", "宮崎県", 31.91111, 131.42389),
    ("46", "Kagoshima", "鹿児島県", 31.56028, 130.55806),
    ("47", "Okinawa", "沖縄県", 26.21250, 127.68111),
]
OFFICE_SOURCE = (
    "approximate, well-known location: GSI (国土地理院) published position of the "
    "prefectural office, as widely reproduced; ~0.001 deg; checked inside its prefecture "
    "in JMA municipal polygons (reversejp 0.1.1)"
)

# ---------------------------------------------------------------------------------------
# Data loading
# ---------------------------------------------------------------------------------------


def embedded_zips(blob: bytes) -> dict[str, bytes]:
    """Every member of every ZIP archive embedded in ``blob`` (found by EOCD records)."""
    out: dict[str, bytes] = {}
    pos = blob.find(b"PK\x05\x06")
    while pos >= 0:
        if pos + 22 <= len(blob):
            (_, _, _, _, n_total, cd_size, cd_off, clen) = struct.unpack(
                "<IHHHHIIH", blob[pos : pos + 22]
            )
            start = pos - cd_size - cd_off
            if n_total > 0 and 0 <= start < pos:
                try:
                    zf = zipfile.ZipFile(io.BytesIO(blob[start : pos + 22 + clen]))
                    for name in zf.namelist():
                        out[name] = zf.read(name)
                except (zipfile.BadZipFile, ValueError, OSError, EOFError):
                    pass
        pos = blob.find(b"PK\x05\x06", pos + 4)
    return out


def load_jma_municipalities() -> tuple[list[dict], str, str]:
    """The JMA municipal polygons embedded in the reversejp wheel, its version, and the
    SHA-256 of the ten embedded JSON files (concatenated in name order)."""
    import reversejp  # noqa: PLC0415

    version = importlib.metadata.version("reversejp")
    pkg_dir = pathlib.Path(reversejp.__file__).parent
    libs = sorted(pkg_dir.glob("reversejp*.so")) + sorted(pkg_dir.glob("reversejp*.pyd"))
    if not libs:
        sys.exit(f"cannot find the compiled reversejp module in {pkg_dir}")
    members = embedded_zips(libs[0].read_bytes())
    names = sorted(n for n in members if n.startswith("landslides_") and n.endswith(".json"))
    if len(names) != 10:
        sys.exit(f"expected 10 landslides_N.json archives in {libs[0]}, found {names}")
    feats = []
    digest = hashlib.sha256()
    for n in names:
        digest.update(members[n])
        feats += json.loads(members[n])["features"]
    return feats, version, digest.hexdigest()


# ---------------------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------------------


def polygons_of(g) -> list[Polygon]:
    if g.is_empty:
        return []
    if g.geom_type == "Polygon":
        return [g]
    if hasattr(g, "geoms"):
        return [p for sub in g.geoms for p in polygons_of(sub)]
    return []


def projector(lon0: float, lat0: float):
    crs = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
    fwd = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def to_m(g):
        return shapely.transform(g, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))

    def to_deg(g):
        return shapely.transform(g, lambda c: np.column_stack(inv.transform(c[:, 0], c[:, 1])))

    return to_m, to_deg


def n_vertices(polys) -> int:
    return sum(len(p.exterior.coords) - 1 for p in polys)


def boundary_hausdorff_m(a, b, step_m: float = 25.0) -> tuple[float, float]:
    """Directed Hausdorff distances (a->b, b->a) between the boundaries, densified."""
    ba, bb = a.boundary, b.boundary
    pa = shapely.get_coordinates(shapely.segmentize(ba, step_m))
    pb = shapely.get_coordinates(shapely.segmentize(bb, step_m))
    da = shapely.distance(shapely.points(pa), bb)
    db = shapely.distance(shapely.points(pb), ba)
    return float(da.max()), float(db.max())


def max_dist_inside_m(region, line, step_m: float = 100.0) -> float:
    """Largest distance from a point of ``region`` to ``line`` (grid + boundary sampling)."""
    if region.is_empty:
        return 0.0
    pts = [shapely.get_coordinates(shapely.segmentize(region.boundary, step_m / 4))]
    x0, y0, x1, y1 = region.bounds
    xs = np.arange(x0, x1 + step_m, step_m)
    ys = np.arange(y0, y1 + step_m, step_m)
    gx, gy = np.meshgrid(xs, ys)
    grid = shapely.points(gx.ravel(), gy.ravel())
    shapely.prepare(region)
    inside = grid[shapely.contains(region, grid)]
    d_b = shapely.distance(shapely.points(pts[0]), line)
    d_g = shapely.distance(inside, line) if len(inside) else np.zeros(1)
    return float(max(d_b.max(initial=0.0), d_g.max(initial=0.0)))


def fill_holes(p: Polygon) -> Polygon:
    return Polygon(p.exterior)


def ceil_to(x: float, step: float) -> float:
    return math.ceil(x / step - 1e-9) * step


# ---------------------------------------------------------------------------------------
# Building one region
# ---------------------------------------------------------------------------------------


def build_region(reg, by_pref, names_by_pref, args):
    to_m, to_deg = projector(*reg["centre"])
    src_deg = shapely.union_all([g for p in reg["prefs"] for g in by_pref[p]])
    parts_deg = polygons_of(src_deg)
    hole_areas = [
        Polygon(h).area for p in polygons_of(to_m(src_deg)) for h in p.interiors
    ]
    parts = sorted((fill_holes(to_m(p)) for p in parts_deg), key=lambda p: -p.area)
    main = parts[0]
    kept, dropped = [main], []
    for p in parts[1:]:
        a_km2 = p.area / 1e6
        d_km = p.distance(main) / 1e3
        if a_km2 >= args.big_island_km2 or (
            a_km2 >= args.near_island_km2 and d_km <= args.near_island_km
        ):
            kept.append(p)
        else:
            dropped.append((p, a_km2, d_km))
    ref = shapely.union_all(kept)  # what the outline represents, before any smoothing

    # Names of the municipalities on dropped islands (for the comment).
    muni_m = [(n, to_m(g)) for p in reg["prefs"] for (n, g) in names_by_pref[p]]
    muni_tree = shapely.STRtree([g for _, g in muni_m])
    dropped_names = collections.Counter()
    dropped_area = collections.Counter()
    for p, a_km2, _ in dropped:
        hits = muni_tree.query(p, predicate="intersects")
        best = max(hits, key=lambda i: muni_m[i][1].intersection(p).area) if len(hits) else None
        nm = muni_m[best][0] if best is not None else "?"
        dropped_names[nm] += 1
        dropped_area[nm] += a_km2

    # Other prefectures' land near the region.
    x0, y0, x1, y1 = src_deg.bounds
    box = shapely.box(x0 - 0.5, y0 - 0.5, x1 + 0.5, y1 + 0.5)
    others = [
        g for p, gs in by_pref.items() if p not in reg["prefs"] for g in gs if g.intersects(box)
    ]
    other_m = to_m(shapely.union_all(others))

    # Closing over water only: what it adds is taken back where it is another prefecture's land.
    r = args.closing_km * 1e3
    closed = ref
    if r > 0:
        closed = ref.buffer(r, quad_segs=8).buffer(-r, quad_segs=8).difference(other_m)
        closed = shapely.union_all([ref, closed])
        # drop slivers the subtraction may leave
        closed = shapely.union_all([p for p in polygons_of(closed) if p.area > 1e4])
    closed = shapely.union_all([fill_holes(p) for p in polygons_of(closed)] + kept)

    def with_sea(b_m):
        """Add the sea within ``b_m`` of the region's land that is not within ``b_m`` of
        another prefecture's land, so that simplifying the coastline cannot cut off coastal
        land (ports, reclaimed land, waterfront offices)."""
        if b_m <= 0:
            return closed
        zone = closed.buffer(b_m, quad_segs=8).difference(other_m.buffer(b_m, quad_segs=8))
        grown = shapely.union_all([closed, zone])
        return shapely.union_all(
            [fill_holes(p) for p in polygons_of(grown) if p.intersects(closed) and p.area > 1e4]
        )

    def simplify_to_budget(shape_m):
        def simplified(tol):
            g = shape_m.simplify(tol, preserve_topology=True)
            return [fill_holes(p) for p in polygons_of(g)]

        lo, hi = 1.0, 20000.0  # metres; bisection on the DP tolerance
        for _ in range(60):
            mid = math.sqrt(lo * hi)
            if n_vertices(simplified(mid)) > args.max_vertices:
                lo = mid
            else:
                hi = mid
        return hi, sorted(simplified(hi), key=lambda p: -p.area)

    # The sea offset must be at least the DP tolerance it protects against: start from
    # --coast-offset-km and raise it (in 0.1 km steps) until it is.
    b_km = args.coast_offset_km
    for _ in range(10):
        tol, polys = simplify_to_budget(with_sea(b_km * 1e3))
        if b_km <= 0 or b_km * 1e3 >= tol:
            break
        b_km = math.ceil(tol / 100.0) / 10.0

    # To degrees, rounded, closed, counter-clockwise.
    rings = []
    for p in polys:
        pd = orient(to_deg(p), sign=1.0)
        coords = [(round(x, 4), round(y, 4)) for x, y in pd.exterior.coords]
        dedup = [coords[0]]
        for c in coords[1:]:
            if c != dedup[-1]:
                dedup.append(c)
        if dedup[-1] != dedup[0]:
            dedup.append(dedup[0])
        rings.append(dedup)
    out_deg = MultiPolygon([Polygon(r_) for r_ in rings])
    for r_ in rings:
        assert r_[0] == r_[-1], "ring not closed"
        assert Polygon(r_).is_valid, f"ring not valid: {shapely.is_valid_reason(Polygon(r_))}"
    assert out_deg.is_valid, f"rings overlap: {shapely.is_valid_reason(out_deg)}"

    out_m = to_m(out_deg)
    h_ref_to_out, h_out_to_ref = boundary_hausdorff_m(ref, out_m)
    h_km = max(h_ref_to_out, h_out_to_ref) / 1e3
    sym_km2 = ref.symmetric_difference(out_m).area / 1e6

    # Land that the outline misclassifies: the region's own (kept) land left outside, and
    # other prefectures' land taken inside. Water taken inside (bays, harbours) is harmless.
    lost = ref.difference(out_m)
    taken = out_m.intersection(other_m)
    line = out_m.boundary
    land_lost_km = max_dist_inside_m(lost, line) / 1e3
    land_taken_km = max_dist_inside_m(taken, line) / 1e3

    # Median source vertex spacing along the represented boundary (how generalised the
    # source already is).
    seg = []
    for p in kept:
        c = np.asarray(p.exterior.coords)
        seg.extend(np.hypot(*(c[1:] - c[:-1]).T))
    def muni_name(p):
        hits = muni_tree.query(p, predicate="intersects")
        if not len(hits):
            return "?"
        return muni_m[max(hits, key=lambda i: muni_m[i][1].intersection(p).area)][0]

    info = {
        "tol_m": tol,
        "coast_offset_km": b_km,
        "hausdorff_km": h_km,
        "h_dirs_km": (h_ref_to_out / 1e3, h_out_to_ref / 1e3),
        "sym_diff_km2": sym_km2,
        "land_lost_km": land_lost_km,
        "land_lost_km2": lost.area / 1e6,
        "land_taken_km": land_taken_km,
        "land_taken_km2": taken.area / 1e6,
        "ref_area_km2": ref.area / 1e6,
        "out_area_km2": out_m.area / 1e6,
        "n_vertices": [len(r_) - 1 for r_ in rings],
        "src_vertices": n_vertices(kept),
        "src_parts": len(parts),
        "kept": [(p.area / 1e6, p.distance(main) / 1e3, muni_name(p)) for p in kept],
        "dropped_n": len(dropped),
        "dropped_km2": sum(a for _, a, _ in dropped),
        "dropped_names": dropped_names,
        "dropped_area": dropped_area,
        "max_hole_km2": max(hole_areas, default=0.0) / 1e6,
        "n_holes": len(hole_areas),
        "src_median_seg_m": float(np.median(seg)),
        "main_m": main,
        "ref_m": ref,
        "to_m": to_m,
        "to_deg": to_deg,
    }
    return rings, out_deg, info


# ---------------------------------------------------------------------------------------
# Optional cross-check with japanmap
# ---------------------------------------------------------------------------------------


def japanmap_main(prefs, to_m):
    try:
        import japanmap  # noqa: PLC0415
    except Exception:  # noqa: BLE001
        return None
    qp, qo = japanmap.get_data()
    polys = []
    for p in prefs:
        k = int(p) - 1
        ring = [qp[i][0] for _, ls in qo[k] for i in ls]
        polys.append(shapely.make_valid(Polygon(ring)))
    u = shapely.union_all(polys)
    main = max(polygons_of(u), key=lambda g: g.area)
    return fill_holes(to_m(main)), n_vertices([main]), importlib.metadata.version("japanmap")


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def fmt_num(x: float) -> str:
    s = f"{x:.4f}".rstrip("0")
    return s + "0" if s.endswith(".") else s


def render_ring(ring, per_line=5) -> list[str]:
    pts = [f"[{fmt_num(x)}, {fmt_num(y)}]" for x, y in ring]
    lines = []
    for i in range(0, len(pts), per_line):
        chunk = ", ".join(pts[i : i + per_line])
        lines.append(f"    {chunk},")
    lines[0] = "  [\n" + lines[0]
    lines[-1] = lines[-1] + "\n  ],"
    return lines


def region_of(lon, lat, shapes) -> str:
    pt = Point(lon, lat)
    for rid, geom in shapes:
        if geom.covers(pt):
            return rid
    return "elsewhere"


def signed_dist_km(lon, lat, geom_m, to_m) -> float:
    pm = to_m(Point(lon, lat))
    d = geom_m.boundary.distance(pm) / 1e3
    return d if geom_m.covers(pm) else -d


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-vertices", type=int, default=150)
    ap.add_argument("--closing-km", type=float, default=0.2)
    ap.add_argument("--coast-offset-km", type=float, default=1.0)
    ap.add_argument("--big-island-km2", type=float, default=100.0)
    ap.add_argument("--near-island-km2", type=float, default=1.0)
    ap.add_argument("--near-island-km", type=float, default=6.0)
    ap.add_argument("--check", action="store_true", help="compare with the files, write nothing")
    args = ap.parse_args()

    feats, rj_version, data_sha = load_jma_municipalities()
    by_pref = collections.defaultdict(list)
    names_by_pref = collections.defaultdict(list)
    for f in feats:
        code = f["properties"]["code"]
        if not code[:2].isdigit():
            continue  # "hoppo": the Northern Territories, Hokkaido
        g = shapely.make_valid(shape(f["geometry"]))
        g = shapely.union_all(polygons_of(g))
        by_pref[code[:2]].append(g)
        names_by_pref[code[:2]].append((f["properties"]["name"], g))
    n_src_vertices = sum(
        len(r) for f in feats for poly in f["geometry"]["coordinates"] for r in poly
    )

    results = []
    for reg in REGIONS:
        rings, out_deg, info = build_region(reg, by_pref, names_by_pref, args)
        xc = japanmap_main(reg["prefs"], info["to_m"])
        if xc is not None:
            jm_m, jm_nv, jm_ver = xc
            jma_to_jm, jm_to_jma = boundary_hausdorff_m(info["main_m"], jm_m)
            pts = shapely.get_coordinates(shapely.segmentize(info["main_m"].boundary, 25.0))
            med = float(np.median(shapely.distance(shapely.points(pts), jm_m.boundary)))
            jpts = shapely.get_coordinates(shapely.segmentize(jm_m.boundary, 25.0))
            jd = shapely.distance(shapely.points(jpts), info["main_m"].boundary)
            where = info["to_deg"](Point(jpts[int(np.argmax(jd))]))
            info["japanmap"] = (
                jm_ver, jm_nv, jma_to_jm / 1e3, jm_to_jma / 1e3, med / 1e3, where
            )
        results.append((reg, rings, out_deg, info))

    shapes = [(reg["id"], out_deg) for reg, _, out_deg, _ in results]
    region_m = {
        reg["id"]: (info["to_m"](out_deg), info["to_m"]) for reg, _, out_deg, info in results
    }

    # Source prefecture of a point, independently of the outlines (JMA polygons).
    src_geoms, src_prefs = [], []
    for p, gs in by_pref.items():
        for g in gs:
            src_geoms.append(g)
            src_prefs.append(p)
    src_tree = shapely.STRtree(src_geoms)

    def source_pref(lon, lat):
        hits = src_tree.query(Point(lon, lat), predicate="covered_by")
        prefs = sorted({src_prefs[i] for i in hits})
        return prefs[0] if prefs else None

    def margin(lon, lat, rid):
        # Distance to the nearest outline, km: positive means inside region `rid`.
        if rid != "elsewhere":
            g, to_m = region_m[rid]
            return signed_dist_km(lon, lat, g, to_m)
        return min(-signed_dist_km(lon, lat, g, to_m) for g, to_m in region_m.values())

    def check(name, lon, lat, expected=None):
        got = region_of(lon, lat, shapes)
        sp = source_pref(lon, lat)
        src_region = REGION_OF_PREF.get(sp, "elsewhere") if sp else None
        want = expected if expected is not None else src_region
        ok = got == want and (src_region is None or src_region == want)
        return (name, lon, lat, want, got, sp, margin(lon, lat, got), ok)

    checks = [check(n, lon, lat, e) for n, lon, lat, e in POINT_CHECKS]
    extra = [check(n, lon, lat) for n, lon, lat in EXTRA_CHECKS]
    all_ok = all(c[-1] for c in checks + extra)

    office_rows, office_fail = [], []
    for code, en, ja, lat, lon in PREF_OFFICES:
        sp = source_pref(lon, lat)
        got = region_of(lon, lat, shapes)
        want = REGION_OF_PREF.get(code, "elsewhere")
        if sp != code or got != want:
            office_fail.append((code, en, sp, got, want))
        office_rows.append((code, en, ja, lat, lon))

    # ---------------- TOML ----------------
    shp = importlib.metadata.version("shapely")
    geos = shapely.geos_version_string
    L = []
    c = L.append
    c("# Geographic regions of the shipped scenarios.")
    c("# GENERATED by tools/make_regions.py (see its docstring); rerun it rather than editing.")
    c("#")
    c("# DATA. Japan Meteorological Agency (気象庁) forecast-area GIS polygons of municipalities")
    c("#   (市町村等, the landslide-warning areas), as embedded in the PyPI wheel")
    c(f"#   reversejp {rj_version} (code: MIT, by ringsaturn; data: 出典 気象庁ホームページ, JMA")
    c("#   website terms = Government of Japan Standard Terms of Use 2.0, CC BY 4.0 compatible).")
    c(f"#   {len(feats)} municipal polygons, {n_src_vertices} vertices, coordinates to 1e-4 deg;")
    c("#   grouped by prefecture (first two digits of the JMA code) and unioned.")
    c(f"#   SHA-256 of the embedded landslides_0..9.json: {data_sha}")
    c("# METHOD.")
    c("#   1. Union of the region's prefectures; sliver holes between municipal polygons filled.")
    c(f"#   2. Keep the main landmass, islands >= {args.big_island_km2:g} km2, and islands "
      f">= {args.near_island_km2:g} km2 within {args.near_island_km:g} km of it;")
    c("#      drop the rest (listed below; for Tokyo this drops the Izu and Ogasawara islands,")
    c("#      100-1000 km offshore, which are NOT in the capital region here).")
    c(f"#   3. Closing of {args.closing_km:g} km over water only, joining reclaimed islands to the "
      "shore across canals.")
    c("#   4. Sea margin: add the sea within B km of the region's land that is not within B km of")
    c("#      another prefecture's land, B >= the simplification tolerance (given per region),")
    c("#      so that simplifying cannot cut off coastal land: ports, reclaimed islands, airports,")
    c("#      waterfront offices stay inside. At sea the outline therefore runs up to ~B+tol km")
    c("#      offshore and across bays, on purpose (no site is at sea).")
    c(f"#   5. Douglas-Peucker (shapely {shp}/GEOS {geos}, preserve_topology) with the smallest")
    c(f"#      tolerance giving <= {args.max_vertices} vertices; to 4 decimals; rings closed, "
      "counter-clockwise, valid, disjoint.")
    c("# APPROXIMATION_KM (measured, in an azimuthal equidistant projection centred on the region,")
    c("#   boundaries densified to 25 m, interiors sampled on a 100 m grid): the largest distance")
    c("#   from this outline of any land it misclassifies, i.e. the region's own (kept) land left")
    c("#   outside or another prefecture's land taken inside, rounded up to 0.5 km. A site farther")
    c("#   than that from the outline is classified as the source boundary classifies it.")
    c("#   It is NOT the symmetric Hausdorff distance to the whole source boundary, which is also")
    c("#   given below: that one is dominated, by design (step 4), by shores of bays and harbours")
    c("#   lying inside the outline. The source is itself generalised display data (median vertex")
    c("#   spacing below); its own deviation from the legal boundary is not measured here.")
    c("#")
    for reg, rings, _, info in results:
        c(f"# {reg['id'].upper()}: {sum(info['n_vertices'])} vertices in {len(rings)} ring(s) "
          f"{info['n_vertices']}; DP tolerance {info['tol_m']/1e3:.2f} km; "
          f"sea margin B = {info['coast_offset_km']:.1f} km.")
        c(f"#   Land misclassified: own land left out up to {info['land_lost_km']:.2f} km from the "
          f"outline ({info['land_lost_km2']:.0f} km2 in all),")
        c(f"#   other prefectures' land taken in up to {info['land_taken_km']:.2f} km "
          f"({info['land_taken_km2']:.0f} km2 in all).")
        c(f"#   Hausdorff to the full source boundary, coasts included: {info['hausdorff_km']:.2f} km "
          f"(outline->source {info['h_dirs_km'][1]:.2f} km,")
        c(f"#   source->outline {info['h_dirs_km'][0]:.2f} km); area {info['out_area_km2']:.0f} km2 "
          f"(land and sea) vs {info['ref_area_km2']:.0f} km2 of kept land.")
        c(f"#   Source: {info['src_parts']} polygon parts, {len(info['kept'])} kept "
          f"({info['src_vertices']} vertices, median spacing {info['src_median_seg_m']:.0f} m); "
          f"{info['n_holes']} sliver holes filled (largest {info['max_hole_km2']:.3f} km2).")
        kept_txt = ", ".join(f"{nm} {a:.1f} km2 ({d:.1f} km off)" for a, d, nm in info["kept"][1:])
        line = "#   Islands kept besides the main landmass (by municipality): "
        for piece in (kept_txt.split(", ") if kept_txt else ["none"]):
            if len(line) + len(piece) > 96:
                c(line.rstrip())
                line = "#     "
            line += piece + ", "
        c(line.rstrip().rstrip(","))
        items = sorted(info["dropped_area"].items(), key=lambda kv: -kv[1])
        c(f"#   Dropped {info['dropped_n']} island parts, {info['dropped_km2']:.1f} km2 in all "
          "(by municipality, km2 (parts)):")
        line = "#     "
        for nm, a in items:
            piece = f"{nm} {a:.1f} ({info['dropped_names'][nm]}), "
            if len(line) + len(piece) > 96:
                c(line.rstrip())
                line = "#     "
            line += piece
        c(line.rstrip().rstrip(","))
        if "japanmap" in info:
            v, nv, a2b, b2a, med, where = info["japanmap"]
            c(f"#   Independent cross-check of the source, main landmass only: japanmap {v} (PyPI, "
              f"Apache-2.0; {nv} vertices,")
            c(f"#   far coarser): median gap {med:.2f} km; JMA->japanmap max {a2b:.2f} km; "
              f"japanmap->JMA max {b2a:.2f} km")
            c(f"#   at ({where.x:.3f}, {where.y:.3f}); japanmap's largest gaps are where it draws river "
              "mouths and harbour")
            c("#   canals as deep notches into the land (e.g. the Yodo and Sumida rivers).")
    c("#")
    c("# POINT CHECKS: region from these outlines | prefecture code of the point in the JMA source")
    c("# | distance to the nearest outline (km; + = inside the region found). All must be OK.")
    for name, lon, lat, want, got, sp, m, ok in checks:
        c(f"#   {'OK  ' if ok else 'FAIL'} {name:<19} ({lon:.4f}, {lat:.4f}) -> {got:<9} "
          f"expected {want:<9} pref {sp} {m:+6.1f} km")
    c("# Further checks (approximate positions) at waterfronts and just outside the regions;")
    c("# expected = the region of the point's prefecture in the JMA source:")
    for name, lon, lat, want, got, sp, m, ok in extra:
        c(f"#   {'OK  ' if ok else 'FAIL'} {name:<24} ({lon:.4f}, {lat:.4f}) -> {got:<9} "
          f"pref {sp} {m:+6.1f} km")
    c(f"# The {len(PREF_OFFICES)} prefectural offices of prefecture_capitals.csv all lie in their own "
      "prefecture in the JMA source")
    c("# and in the right region (capital for 11-14, kansai for 25-30, else elsewhere): "
      + ("yes." if not office_fail else f"NO: {office_fail}"))
    c("")
    for reg, rings, _, info in results:
        approx = ceil_to(max(info["land_lost_km"], info["land_taken_km"]), 0.5)
        info["approximation_km"] = approx
        c("[[regions]]")
        c(f'id = "{reg["id"]}"')
        c(f'name_en = "{reg["name_en"]}"')
        c(f'name_ja = "{reg["name_ja"]}"')
        src = (
            f"JMA municipal forecast-area polygons (気象庁; CC BY 4.0 compatible) from PyPI "
            f"reversejp {rj_version} (MIT); prefectures unioned, far/small islands dropped, "
            f"{info['coast_offset_km']:.1f} km sea margin, Douglas-Peucker "
            f"{info['tol_m']/1e3:.2f} km, {sum(info['n_vertices'])} vertices"
        )
        c(f'source = "{src}"')
        c(f"approximation_km = {approx:.1f}  # land misclassified at most this far from the outline")
        c("polygons = [")
        for ring in rings:
            L.extend(render_ring(ring))
        c("]")
        c("")
    c("[[regions]]")
    c('id = "elsewhere"')
    c('name_en = "Elsewhere in Japan"')
    c('name_ja = "その他の地域"')
    c('source = "every site outside the polygons above"')
    c("# no polygons: this is the fallback region")
    toml_text = "\n".join(L) + "\n"

    # Round-trip check of the TOML.
    parsed = tomllib.loads(toml_text)
    assert [r["id"] for r in parsed["regions"]] == ["capital", "kansai", "elsewhere"]
    for (reg, rings, _, _), pr in zip(results, parsed["regions"]):
        assert [[tuple(p) for p in r] for r in pr["polygons"]] == rings
        assert set(pr) == {"id", "name_en", "name_ja", "source", "approximation_km", "polygons"}
    assert set(parsed["regions"][2]) == {"id", "name_en", "name_ja", "source"}

    # ---------------- CSV ----------------
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["prefecture_code", "prefecture_en", "prefecture_ja", "office_lat", "office_lon", "source"]
    )
    for code, en, ja, lat, lon in office_rows:
        w.writerow([code, en, ja, f"{lat:.5f}", f"{lon:.5f}", OFFICE_SOURCE])
    csv_text = buf.getvalue()

    # ---------------- Summary ----------------
    for reg, rings, _, info in results:
        print(
            f"{reg['id']}: {sum(info['n_vertices'])} vertices {info['n_vertices']}, "
            f"tol {info['tol_m']/1e3:.2f} km, sea margin {info['coast_offset_km']:.1f} km, "
            f"land error {info['land_lost_km']:.2f}/{info['land_taken_km']:.2f} km -> "
            f"approximation_km {info['approximation_km']:.1f}; full Hausdorff "
            f"{info['hausdorff_km']:.2f} km"
        )
    bad = [x for x in checks + extra if not x[-1]]
    print(f"point checks: {len(checks) + len(extra) - len(bad)}/{len(checks) + len(extra)} OK")
    for x in bad:
        print("  FAIL", x)
    if office_fail:
        print("office check failures:", office_fail)

    if args.check:
        same = (
            OUT_TOML.exists()
            and OUT_CSV.exists()
            and OUT_TOML.read_text(encoding="utf-8") == toml_text
            and OUT_CSV.read_text(encoding="utf-8") == csv_text
        )
        print("files up to date" if same else "files DIFFER from a fresh run")
        return 0 if same else 1
    OUT_TOML.parent.mkdir(parents=True, exist_ok=True)
    OUT_TOML.write_text(toml_text, encoding="utf-8")
    OUT_CSV.write_text(csv_text, encoding="utf-8")
    print(f"wrote {OUT_TOML.relative_to(ROOT)} and {OUT_CSV.relative_to(ROOT)}")
    return 0 if (all_ok and not office_fail) else 2


if __name__ == "__main__":
    sys.exit(main())
