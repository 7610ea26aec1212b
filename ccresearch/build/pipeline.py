"""raw -> processed: verify, read, parse, harmonise, check, write. Deterministic and atomic.

``ccresearch build [--raw DIR] [--out DIR]`` verifies every raw checksum, assembles the evidence base and
the regional jobs table, and writes parquet + CSV for each table plus ``build_report.json`` and
``manifest.json`` (sha256 of every input and output, no timestamps: two builds give identical bytes).
Everything is written to a temporary folder beside the output and swapped in only when complete; on any
error the output folder is left exactly as it was.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccresearch import atomic, paths
from ccresearch._version import __version__
from ccresearch.fingerprint import library_hash, sha256_of
from ccresearch.sources.catalog import data_files, verify_all

if TYPE_CHECKING:
    import pandas as pd

TABLES = (
    "facts",
    "events",
    "persons",
    "sources",
    "conflicts",
    "coverage",
    "regional_jobs",
    "regions",
    "boundaries",
)


@dataclass
class BuildReport:
    """What a build did and noticed."""

    out: str
    counts: dict[str, int]
    conflicts: int
    unused_mappings: list[dict[str, Any]]
    national_sum_checks: list[dict[str, Any]]
    years_without_cr99: list[int]
    regional_jobs_years: list[int]
    cbs_overlaps: list[dict[str, Any]]

    def lines(self) -> list[str]:
        """A short human summary."""
        out = [f"built {self.out}: " + ", ".join(f"{k} {v}" for k, v in self.counts.items())]
        out.append(f"conflicts between figures: {self.conflicts}")
        bad = [c for c in self.national_sum_checks if c["status"] == "mismatch"]
        ok = [c for c in self.national_sum_checks if c["status"] == "ok"]
        out.append(f"COROP + CR99 = national total: {len(ok)} checks ok, {len(bad)} mismatches")
        if self.years_without_cr99:
            out.append(
                f"CR99 (not classifiable) absent in the source for: {_ranges(self.years_without_cr99)}"
            )
        for o in self.cbs_overlaps:
            out.append(
                f"CBS cells given twice: {o['cells']} of {o['dropped']} also in {o['kept']} "
                f"({o['cells_that_differ']} differ); kept {o['kept']}"
            )
        for u in self.unused_mappings:
            out.append(
                f"unused mapping row: {u['file']} row {u['row']} {u['name_as_written']!r} -> {u['canonical_id']}"
            )
        return out


def _ranges(years: list[int]) -> str:
    spans: list[list[int]] = []
    for y in sorted(years):
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)


def code_hash() -> str:
    """Hash of the library code (every module: a change anywhere may change the processed data)."""
    return library_hash()


def _write_table(frame: pd.DataFrame, folder: Path, name: str) -> None:
    frame.to_parquet(folder / f"{name}.parquet", index=False)
    frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n", date_format="%Y-%m-%d")


def regions_table(raw: Path) -> pd.DataFrame:
    """Every region with its level and the codes of its COROP and provincie (missing where unknown)."""
    import pandas as pd

    from ccresearch.sources.regions import ancestors, regions

    table = regions(raw)
    rows = []
    for code, region in table.items():
        up = ancestors(code, raw)
        rows.append(
            {
                "region_code": code,
                "region_name": region.name,
                "level": region.level,
                "parent_code": region.parent,
                "corop_code": next(
                    (c for c in up if c.startswith("CR")), code if region.level == "corop" else None
                ),
                "provincie_code": next((c for c in up if c.startswith("PV")), None),
            }
        )
    return pd.DataFrame(rows)


def boundaries_table(raw: Path) -> pd.DataFrame:
    """Region boundaries for maps (COROP 2024) as WKT, checked against the region codes of ``data/raw/regions``."""
    from ccresearch.errors import InputError
    from ccresearch.sources.geo import COROP_BOUNDARIES, read_boundaries
    from ccresearch.sources.regions import regions

    path = raw / COROP_BOUNDARIES
    frame = read_boundaries(path)
    known = regions(raw)
    unknown = [c for c in frame["region_code"] if c not in known]
    if unknown:
        raise InputError("boundary of an unknown region", file=path, field="statcode", value=unknown[:5],
                         expected="codes in data/raw/regions")  # fmt: skip
    return frame


def build(raw: Path | None = None, out: Path | None = None) -> BuildReport:
    """Build the processed tables from ``raw`` into ``out`` (atomic; raises InputError on bad input)."""
    from ccresearch.evidence import assemble
    from ccresearch.sources.cbs import check_national_sums, regional_jobs

    raw = (raw or paths.raw_dir()).resolve()
    out = (out or paths.processed_dir()).resolve()
    with atomic.locked(out):  # one build at a time per output folder
        inputs = verify_all(raw)
        evidence = assemble(raw)
        jobs = regional_jobs(raw)
        checks = check_national_sums(jobs)
        bad = [c for c in checks if c.status == "mismatch"]
        if bad:
            from ccresearch.errors import InputError

            c = bad[0]
            raise InputError(
                "COROP rows plus CR99 do not sum to the national total",
                file=raw / "cbs",
                field=f"{c.sbi_key} {c.year}",
                value=c.corop_sum + (c.unclassified or 0),
                expected=f"{c.national} within {c.tolerance}",
                mend="download the CBS table again (ccresearch fetch-cbs), or check the transcription of that year",
            )
        tables = {
            "facts": evidence.facts,
            "events": evidence.events,
            "persons": evidence.persons,
            "sources": evidence.sources,
            "conflicts": evidence.conflicts,
            "coverage": evidence.coverage,
            "regional_jobs": jobs,
            "regions": regions_table(raw),
            "boundaries": boundaries_table(raw),
        }
        years = sorted(int(y) for y in jobs.loc[jobs.region_level == "corop", "year"].unique())
        report = BuildReport(
            out=str(out.name),
            counts={name: len(frame) for name, frame in tables.items()},
            conflicts=len(evidence.conflicts),
            unused_mappings=evidence.unused_mappings,
            national_sum_checks=[asdict(c) for c in checks],
            years_without_cr99=sorted({c.year for c in checks if c.status == "no_unclassified"}),
            regional_jobs_years=[years[0], years[-1]] if years else [],
            cbs_overlaps=list(jobs.attrs.get("overlaps", [])),
        )
        with atomic.staging_dir(out.parent, f"{out.name}.new") as tmp:
            for name, frame in tables.items():
                _write_table(frame, tmp, name)
            _dump_json(tmp / "datapackage.json", datapackage(tables, inputs))
            # the report names no folder: the same inputs give the same bytes wherever they are built
            _dump_json(tmp / "build_report.json", {k: v for k, v in asdict(report).items() if k != "out"})
            outputs = {p.name: sha256_of(p) for p in sorted(tmp.iterdir())}
            manifest = {
                "library_version": __version__,
                "code_hash": code_hash(),
                "inputs": {rel: side.sha256 for rel, side in inputs.items()},
                "outputs": outputs,
                "summary": {
                    "counts": report.counts,
                    "conflicts": report.conflicts,
                    "regional_jobs_years": report.regional_jobs_years,
                    "regional_jobs_regions": sorted(jobs["region_code"].unique().tolist()),
                    "years_without_cr99": report.years_without_cr99,
                },
            }
            _dump_json(tmp / "manifest.json", manifest)
            if (out / ".gitkeep").exists():
                (tmp / ".gitkeep").touch()
            atomic.replace_dir(tmp, out)
    return report


DATAPACKAGE_SPEC = Path(__file__).with_name("datapackage.yaml")


def datapackage(tables: dict[str, pd.DataFrame], inputs: dict[str, Any]) -> dict[str, Any]:
    """The Frictionless Data Package descriptor of the processed tables (deterministic: no dates, no paths).

    Field types, units and descriptions come from ``datapackage.yaml`` beside this module; every table's
    columns must be listed there in order. ``sources`` lists every raw input with its origin and licence.
    """
    import yaml

    spec = yaml.safe_load(DATAPACKAGE_SPEC.read_text(encoding="utf-8"))
    resources = []
    for name, frame in tables.items():
        table = spec["tables"].get(name)
        if table is None or list(table["fields"]) != list(frame.columns):
            listed = list(table["fields"]) if table else []
            raise ValueError(
                f"{DATAPACKAGE_SPEC.name}: table {name} lists fields {listed}, the build writes {list(frame.columns)}"
            )
        fields = []
        for field, meta in table["fields"].items():
            entry = {"name": field, "type": meta["type"], "description": meta["description"]}
            if meta["type"] == "date":
                entry["format"] = "%Y-%m-%d"
            if "unit" in meta:
                entry["unit"] = (
                    "the unit in the row's unit column" if meta["unit"] == "row" else str(meta["unit"])
                )
            fields.append(entry)
        schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        if table.get("primary_key"):
            schema["primaryKey"] = list(table["primary_key"])
        schema["foreignKeys"] = [
            {"fields": fk["fields"], "reference": {"resource": fk["table"], "fields": fk["reference"]}}
            for fk in table.get("foreign_keys", [])
        ]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": table["title"],
                "description": table["description"],
                "schema": schema,
            }
        )
    sources = [
        {
            "title": " ".join(str(side.origin).split()),
            "path": f"data/raw/{rel}",
            "licence": " ".join(str(side.licence).split()),
        }
        for rel, side in sorted(inputs.items())
    ]
    return {
        "profile": "tabular-data-package",
        "name": spec["name"],
        "title": spec["title"],
        "description": spec["description"],
        "version": __version__,
        "licenses": spec["licenses"],
        "sources": sources,
        "resources": resources,
    }


def check(raw: Path | None = None) -> str:
    """Validate ``raw`` without building: checksums, schemas, parsing, mappings, identities and the CBS sums.

    Raises :class:`~ccresearch.errors.InputError` on the first problem (every changed checksum at once);
    returns a one-line summary when all is well. Nothing is written.
    """
    from ccresearch.evidence import assemble
    from ccresearch.sources.cbs import check_national_sums, regional_jobs

    raw = (raw or paths.raw_dir()).resolve()
    inputs = verify_all(raw)
    evidence = assemble(raw)
    jobs = regional_jobs(raw)
    bad = [c for c in check_national_sums(jobs) if c.status == "mismatch"]
    if bad:
        from ccresearch.errors import InputError

        c = bad[0]
        raise InputError(
            "COROP rows plus CR99 do not sum to the national total",
            file=raw / "cbs",
            field=f"{c.sbi_key} {c.year}",
            value=c.corop_sum + (c.unclassified or 0),
            expected=f"{c.national} within {c.tolerance}",
            mend="download the CBS table again (ccresearch fetch-cbs), or check the transcription of that year",
        )
    verdicts = evidence.conflicts["verdict"].value_counts().to_dict()
    return (
        f"data/raw is valid: {len(inputs)} files with matching checksums, {len(evidence.sources)} sources, "
        f"{len(evidence.facts)} facts, {len(evidence.events)} events, {len(evidence.conflicts)} conflicts ("
        + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
        + f"), {len(jobs)} regional job rows"
    )


def _dump_json(path: Path, data: Any) -> None:
    path.write_text(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )


def manifest_path(out: Path | None = None) -> Path:
    """Where the processed-data manifest lives."""
    return (out or paths.processed_dir()) / "manifest.json"


def is_stale(raw: Path | None = None, out: Path | None = None) -> bool:
    """True when the processed data is missing, or inputs, outputs or the building code changed."""
    raw = (raw or paths.raw_dir()).resolve()
    out = (out or paths.processed_dir()).resolve()
    try:
        manifest = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return True
    if manifest.get("code_hash") != code_hash():
        return True
    current = {p.relative_to(raw).as_posix(): sha256_of(p) for p in data_files(raw)}
    if current != manifest.get("inputs"):
        return True
    for name, digest in manifest.get("outputs", {}).items():
        path = out / name
        if not path.exists() or sha256_of(path) != digest:
            return True
    return False


def ensure_built(raw: Path | None = None, out: Path | None = None) -> BuildReport | None:
    """Build when stale; returns the report of a build, or None when the data was up to date."""
    raw = (raw or paths.raw_dir()).resolve()
    out = (out or paths.processed_dir()).resolve()
    if not is_stale(raw, out):
        return None
    with atomic.locked(out):  # re-entrant: build() takes the same lock
        if not is_stale(raw, out):  # another process built it while we waited
            return None
        return build(raw, out)
