"""Region boundaries for maps: the CBS COROP areas (2024, generalised) in the Dutch national grid (RD New).

Read from ``data/raw/geo/coropgebied_2024.geojson``: a FeatureCollection whose features carry ``statcode``
(``CR01``..``CR40``) and ``statnaam``; coordinates are integer metres in EPSG:28992 (the file has no ``crs``
member). Generalised for national maps: fine for a choropleth, not for area sums or overlays.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ccresearch.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

COROP_BOUNDARIES = "geo/coropgebied_2024.geojson"


def read_boundaries(path: Path) -> pd.DataFrame:
    """One row per area: ``region_code``, ``region_name``, ``geometry_wkt`` (polygons as WKT), sorted by code."""
    import pandas as pd
    from shapely.geometry import shape

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"not a readable GeoJSON file: {exc}", file=path, expected="a GeoJSON FeatureCollection"
        ) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise InputError(
            "no features", file=path, field="features", expected="a GeoJSON FeatureCollection of areas"
        )
    rows = []
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        code = str(props.get("statcode", "")).strip().upper()
        if not code:
            raise InputError("feature without a region code", file=path, row=i + 1, field="statcode",
                             expected="a CBS code such as CR39")  # fmt: skip
        try:
            geometry = shape(feature["geometry"])
        except Exception as exc:  # shapely raises several kinds for bad geometries
            raise InputError(f"unreadable geometry: {exc}", file=path, row=i + 1, field="geometry", value=code,
                             expected="a Polygon or MultiPolygon") from exc  # fmt: skip
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            raise InputError("not an area", file=path, row=i + 1, field="geometry", value=geometry.geom_type,
                             expected="a Polygon or MultiPolygon")  # fmt: skip
        rows.append(
            {
                "region_code": code,
                "region_name": str(props.get("statnaam", "")).strip(),
                "geometry_wkt": geometry.wkt,
            }
        )
    frame = pd.DataFrame(rows)
    duplicated = frame["region_code"][frame["region_code"].duplicated()]
    if len(duplicated):
        raise InputError("region code given twice", file=path, field="statcode", value=duplicated.iloc[0],
                         expected="one feature per region")  # fmt: skip
    return frame.sort_values("region_code").reset_index(drop=True)
