"""Sub-commands on the data: ``build``, ``check``, ``sidecar`` and ``fetch-cbs``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccresearch.errors import InputError


def _cmd_build(args: argparse.Namespace) -> int:
    from ccresearch.build.pipeline import build

    report = build(Path(args.raw) if args.raw else None, Path(args.out) if args.out else None)
    for line in report.lines():
        print(line, file=sys.stderr if line.startswith("unused") else sys.stdout)
    return 0


def _cmd_sidecar(args: argparse.Namespace) -> int:
    from ccresearch.sources.catalog import read_sidecar_fields, sidecar_changes, sidecar_path, write_sidecar

    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise InputError(
                "no such file", file=path, expected="an existing raw data file", mend="check the path"
            )
        before = read_sidecar_fields(path)
        sidecar = write_sidecar(
            path,
            origin=args.origin,
            licence=args.licence,
            retrieved=args.retrieved,
            description=args.description,
            replace=args.replace,
            extra=_fields(args.field or []),
        )
        changes = sidecar_changes(before, sidecar)
        side = sidecar_path(path)
        if not before:
            print(f"{side}: new sidecar, sha256 {sidecar.sha256[:12]}…")
        elif not changes:
            print(f"{side}: unchanged")
        else:
            print(f"{side}: " + "; ".join(_change(k, a, b) for k, a, b in changes))
    return 0


def _fields(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(
                "not a KEY=VALUE pair", field="--field", value=item, expected="e.g. --field 'unit=x 1 000'"
            )
        out[key.strip()] = value.strip()
    return out


def _change(key: str, old: str, new: str) -> str:
    if key == "sha256":
        old, new = old[:12] + "…", new[:12] + "…"
    return f"{key} {old!r} -> {new!r}"


def _cmd_check(args: argparse.Namespace) -> int:
    from ccresearch.build.pipeline import check

    print(check(Path(args.raw) if args.raw else None))
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from ccresearch.sources.statline import fetch_table

    target = fetch_table(
        args.table_id,
        out=Path(args.out) if args.out else None,
        filters=args.filter,
        select=args.select.split(",") if args.select else None,
        catalog_url=args.catalog_url,
    )
    print(target)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``build``, ``check``, ``sidecar`` and ``fetch-cbs``."""
    p = sub.add_parser("build", help="build data/processed from data/raw (checksums verified, atomic)")
    p.add_argument("--raw", help="raw folder (default data/raw)")
    p.add_argument("--out", help="output folder (default data/processed)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("sidecar", help="write or refresh the provenance sidecar (sha256) of raw files")
    p.add_argument("files", nargs="+", help="raw data files")
    p.add_argument("--origin", help="where the file comes from (citation, address)")
    p.add_argument("--licence", help="licence of the content")
    p.add_argument("--retrieved", help="date retrieved, ISO (default: today, or as recorded)")
    p.add_argument("--description", help="one line on what the file holds")
    p.add_argument(
        "--field",
        action="append",
        metavar="KEY=VALUE",
        help="an optional field telling the readers how to read the file (measure, unit, decimals, "
        "rounded_to, code_lists), e.g. --field 'unit=x 1 000'; repeatable",
    )
    p.add_argument(
        "--replace", action="store_true", help="overwrite recorded fields that differ (default: keep them)"
    )
    p.set_defaults(func=_cmd_sidecar)

    p = sub.add_parser(
        "check", help="validate data/raw without building (checksums, schemas, parse, mappings)"
    )
    p.add_argument("--raw", help="raw folder (default data/raw)")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("fetch-cbs", help="download a CBS StatLine table (codes kept) into data/raw/cbs/")
    p.add_argument("table_id", metavar="TABLE_ID", help="CBS table id, e.g. 83582NED")
    p.add_argument("--filter", help="OData $filter, e.g. \"startswith(RegioS,'CR')\"")
    p.add_argument("--select", help="comma-separated columns to keep")
    p.add_argument("--out", help="folder for the table (default data/raw/cbs)")
    p.add_argument(
        "--catalog-url", help="StatLine host, or http(s)://host:port of a mirror (default opendata.cbs.nl)"
    )
    p.set_defaults(func=_cmd_fetch)
