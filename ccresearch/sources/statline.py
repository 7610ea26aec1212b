"""Download a CBS StatLine table through ``cbsodata`` (codes kept) into the raw folder, with sidecars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ccresearch import atomic, paths
from ccresearch.errors import InputError
from ccresearch.sources.cbs import CBS_LICENCE, TABLE_ID, read_table

CBS_FEED = "https://opendata.cbs.nl/ODataFeed/odata/{table}/"


def fetch_table(
    table_id: str,
    *,
    out: Path | None = None,
    filters: str | None = None,
    select: list[str] | None = None,
    catalog_url: str | None = None,
) -> Path:
    """Download a StatLine table with ``cbsodata`` (codes kept) into ``out/<table_id>/`` with sidecars.

    The download goes to a temporary folder first; the table folder is replaced only when it is complete.
    """
    import cbsodata

    from ccresearch.sources.catalog import write_sidecar

    if not TABLE_ID.match(table_id):
        raise InputError("not a CBS table id", field="TABLE_ID", value=table_id, expected="e.g. 83582NED")
    out = out or (paths.raw_dir() / "cbs")
    out.mkdir(parents=True, exist_ok=True)
    target = out / table_id
    if target.exists():
        foreign = sorted(
            p.name
            for p in target.iterdir()
            if not (p.name.endswith(".json") or p.name.endswith(".json.meta.yaml"))
        )
        if foreign:
            raise InputError(
                "the table folder holds raw files this command did not write, and raw data is never overwritten",
                file=target,
                value=foreign[:3],
                expected=f"another folder, e.g. --out {out.name}/fetched (the build reads tables in sub-folders too)",
            )
    if catalog_url and "://" in catalog_url:  # e.g. http://127.0.0.1:8000 for a local mirror
        scheme, catalog_url = catalog_url.split("://", 1)
        cbsodata.options.use_https = scheme == "https"
        catalog_url = catalog_url.rstrip("/")
    with atomic.staging_dir(out, table_id) as tmp:
        # download_data keeps codes (get_data would replace them by titles). In cbsodata 1.3.5
        # typed=False is the call that yields TypedDataSet; read_table accepts either data set.
        cbsodata.download_data(
            table_id, dir=str(tmp), typed=False, filters=filters, select=select, catalog_url=catalog_url
        )
        address = CBS_FEED.format(table=table_id)
        origin = f"CBS StatLine OData table {table_id}, {address}"
        if filters:
            origin += f" with $filter={filters}"
        if select:
            origin += f" and $select={','.join(select)}"
        for part in sorted(tmp.glob("*.json")):
            write_sidecar(
                part,
                origin=origin,
                licence=CBS_LICENCE,
                retrieved=dt.date.today().isoformat(),
                description=f"OData part {part.stem} of table {table_id}",
            )
        read_table(tmp, table_id)  # a download that cannot be read never replaces a good one
        atomic.replace_dir(tmp, target)
    return target
