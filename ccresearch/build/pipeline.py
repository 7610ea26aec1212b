"""raw -> processed: verify, read, parse, harmonise, check, write. Deterministic and atomic.

``ccresearch build [--raw DIR] [--out DIR]`` verifies every raw checksum, assembles the evidence base and
the regional CBS tables (``regional_jobs``, ``regional_births``), checks the CBS sums, and writes parquet + CSV for each table plus ``build_report.json`` and
``manifest.json`` (sha256 of every input and output, no timestamps: two builds give identical bytes).
Everything is written to a temporary folder beside the output and swapped in only when complete; on any
error the output folder is left exactly as it was.
"""

from __future__ import annotations

import dataclasses
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
    "regional_births",
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
    regional_births_years: list[int] = dataclasses.field(default_factory=list)
    national_sum_counts: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)
    blank_cells: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    sbi_sum_checks: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    sbi_sum_warnings: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def lines(self) -> list[str]:
        """A short human summary."""
        out = [f"built {self.out}: " + ", ".join(f"{k} {v}" for k, v in self.counts.items())]
        out.append(f"conflicts between figures: {self.conflicts}")
        for measure, n in sorted(self.national_sum_counts.items()):
            out.append(
                f"COROP + CR99 = national total ({measure}, per SBI code and year): {n.get('ok', 0)} ok, "
                f"{n.get('mismatch', 0)} mismatches; not checkable: {n.get('no_unclassified', 0)} without "
                f"CR99, {n.get('no_national', 0)} without a national figure, {n.get('incomplete', 0)} with a "
                "blank COROP cell"
            )
        if self.years_without_cr99:
            out.append(
                "CR99 (not classifiable) has no total jobs figure in the source for: "
                + _ranges(self.years_without_cr99)
            )
        out.extend(_blank_lines(self.blank_cells))
        out.extend(_sbi_lines(self.sbi_sum_checks, self.sbi_sum_warnings))
        for o in self.cbs_overlaps:
            out.append(
                f"CBS cells given twice ({o.get('measure', 'jobs')}): {o['cells']} of {o['dropped']} also in "
                f"{o['kept']} ({o.get('cells_that_agree', o['cells'] - o['cells_that_differ'])} agree, "
                f"{o['cells_that_differ']} differ); kept {o['kept']}"
            )
        for u in self.unused_mappings:
            out.append(
                f"unused mapping row: {u['file']} row {u['row']} {u['name_as_written']!r} -> {u['canonical_id']}"
            )
        return out


_LEVEL_WORDS = {
    "corop": "COROP",
    "unclassified": "CR99 (not classifiable)",
    "country": "national",
    "other": "other codes (CR98, not a region)",
}


def _blank_lines(blanks: list[dict[str, Any]]) -> list[str]:
    """Per measure: blank cells by region level, then by SBI code with their years."""
    out = []
    for measure in sorted({b["measure"] for b in blanks}):
        rows = [b for b in blanks if b["measure"] == measure]
        levels: dict[str, int] = {}
        for b in rows:
            levels[b["region_level"]] = levels.get(b["region_level"], 0) + b["cells"]
        out.append(
            f"blank (unpublished) cells, {measure}: {sum(levels.values())} left out of regional_{measure} ("
            + ", ".join(f"{_LEVEL_WORDS.get(k, k)} {v}" for k, v in sorted(levels.items()))
            + ")"
        )
        for level in sorted(levels):
            codes: dict[tuple[str, str, str], list[int]] = {}
            counts: dict[tuple[str, str, str], int] = {}
            for b in rows:
                if b["region_level"] != level:
                    continue
                key = (b["source_table"], b["sbi_key"], b["sector"])
                codes.setdefault(key, []).append(b["year"])
                counts[key] = counts.get(key, 0) + b["cells"]
            out.append(
                f"  {_LEVEL_WORDS.get(level, level)}, by code (cells, years): "
                + "; ".join(
                    f"{k} {sector} {counts[(t, k, sector)]} ({_ranges(sorted(set(codes[(t, k, sector)])))})"
                    for t, k, sector in sorted(codes, key=lambda c: (-counts[c], c))
                )
            )
    return out


def _sbi_lines(checks: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> list[str]:
    out = []
    for c in checks:
        out.append(
            f"SBI sum {c['measure']} {c['source_table']} {c['relation']}: {c['checked']} region-years checked, "
            f"{c['exact']} {'exact' if c['kind'] == '=' else 'hold outright'}, {c['within_tolerance']} within "
            f"rounding, {c['beyond_tolerance']} beyond; "
            + (
                f"largest residual {c['largest_residual']:g}"
                + (f" ({c['largest_residual_at']})" if c["largest_residual_at"] else "")
                if c["kind"] == "="
                else f"smallest residual {c['smallest_residual']:g}"
                + (f" ({c['smallest_residual_at']})" if c["smallest_residual_at"] else "")
            )
            + f" (tolerance up to {c['tolerance']:g})"
            + f"; {c['not_checkable']} not checkable (a blank term)"
        )
    for w in warnings:
        out.append(
            f"warning: SBI sum beyond rounding: {w['measure']} {w['source_table']} {w['relation']} in "
            f"{w['region_code']} {w['year']}: residual {w['residual']:g}, tolerance {w['tolerance']:g}"
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
    # a frame's attrs (the build's findings) belong in build_report.json, not in the table: pandas would store
    # them in the parquet metadata and deep-copy them on every operation of whoever loads the table
    frame = frame.copy(deep=False)
    frame.attrs = {}
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


@dataclass
class CbsFindings:
    """The regional CBS tables and what the checks found (the same for ``build`` and ``check``)."""

    tables: dict[str, pd.DataFrame]
    national: list[Any]
    overlaps: list[dict[str, Any]]
    blanks: list[dict[str, Any]]
    sbi_checks: list[dict[str, Any]]
    sbi_warnings: list[dict[str, Any]]
    years_without_cr99: list[int]

    def national_counts(self) -> dict[str, dict[str, int]]:
        """Per measure: how many code-years have each status of the national check."""
        from ccresearch.sources.cbs import NATIONAL_STATUSES

        counts: dict[str, dict[str, int]] = {}
        for c in self.national:
            counts.setdefault(c.measure, dict.fromkeys(NATIONAL_STATUSES, 0))[c.status] += 1
        return counts


REGIONAL_PREFIX = "regional_"


def cbs_findings(raw: Path) -> CbsFindings:
    """Read every regional CBS input, one table per measure, and run the CBS checks.

    Raises InputError for a measure the data package does not describe, a transcription that disagrees with
    its download, or COROP + CR99 that do not sum to the national total. SBI sums beyond rounding are
    warnings (listed in the report), not errors.
    """
    import yaml

    from ccresearch.errors import InputError
    from ccresearch.sources.cbs import TOTAL_SBI, check_national_sums, empty_table, regional_measures
    from ccresearch.sources.sbi import check_sums, read_divisions

    measures = regional_measures(raw)
    described = set(yaml.safe_load(DATAPACKAGE_SPEC.read_text(encoding="utf-8"))["tables"])
    for measure in measures:
        if f"{REGIONAL_PREFIX}{measure}" not in described or f"{REGIONAL_PREFIX}{measure}" not in TABLES:
            raise InputError(
                "a CBS file names a measure the processed data does not describe",
                file=raw / "cbs",
                field="measure",
                value=measure,
                expected=", ".join(
                    t[len(REGIONAL_PREFIX) :] for t in TABLES if t.startswith(REGIONAL_PREFIX)
                ),
                mend="correct the measure in the file's sidecar, or add the table to the build and its datapackage.yaml",
            )
    tables: dict[str, pd.DataFrame] = {}
    national, overlaps, blanks, sbi_checks, sbi_warnings = [], [], [], [], []
    divisions = read_divisions(raw)
    for name in TABLES:
        if not name.startswith(REGIONAL_PREFIX):
            continue
        measure = name[len(REGIONAL_PREFIX) :]
        if measure not in measures:
            tables[name] = empty_table(measure)
            continue
        found = measures[measure]
        tables[name] = found.table()
        national.extend(check_national_sums(found.cells, measure))
        overlaps.extend(found.overlaps)
        blanks.extend({"measure": measure, **b} for b in tables[name].attrs["blanks"])
        checks, warnings = check_sums(found.cells, measure, divisions)
        sbi_checks.extend(checks)
        sbi_warnings.extend(warnings)
    bad = [c for c in national if c.status == "mismatch"]
    if bad:
        c = bad[0]
        raise InputError(
            f"COROP rows plus CR99 do not sum to the national total ({c.measure}; {len(bad)} code-years)",
            file=raw / "cbs",
            field=f"{c.sbi_key} {c.year}",
            value=c.corop_sum + (c.unclassified or 0),
            expected=f"{c.national} within {c.tolerance}",
            mend="download the CBS table again (ccresearch fetch-cbs), or check the transcription of that year",
        )
    jobs = measures["jobs"].cells if "jobs" in measures else empty_table("jobs")
    cr99 = jobs[(jobs["region_level"] == "unclassified") & (jobs["sbi_key"] == TOTAL_SBI)]
    corop_years = set(jobs.loc[jobs["region_level"] == "corop", "year"].astype(int))
    with_value = set(cr99.loc[cr99["jobs"].notna(), "year"].astype(int))
    return CbsFindings(
        tables=tables,
        national=national,
        overlaps=overlaps,
        blanks=blanks,
        sbi_checks=sbi_checks,
        sbi_warnings=sbi_warnings,
        years_without_cr99=sorted(corop_years - with_value),
    )


def _corop_years(table: pd.DataFrame) -> list[int]:
    years = sorted(int(y) for y in table.loc[table["region_level"] == "corop", "year"].unique())
    return [years[0], years[-1]] if years else []


def build(raw: Path | None = None, out: Path | None = None) -> BuildReport:
    """Build the processed tables from ``raw`` into ``out`` (atomic; raises InputError on bad input)."""
    from ccresearch.evidence import assemble

    raw = (raw or paths.raw_dir()).resolve()
    out = (out or paths.processed_dir()).resolve()
    with atomic.locked(out):  # one build at a time per output folder
        inputs = verify_all(raw)
        evidence = assemble(raw)
        cbs = cbs_findings(raw)
        jobs = cbs.tables["regional_jobs"]
        tables = {
            "facts": evidence.facts,
            "events": evidence.events,
            "persons": evidence.persons,
            "sources": evidence.sources,
            "conflicts": evidence.conflicts,
            "coverage": evidence.coverage,
            **cbs.tables,
            "regions": regions_table(raw),
            "boundaries": boundaries_table(raw),
        }
        tables = {name: tables[name] for name in TABLES}
        report = BuildReport(
            out=str(out.name),
            counts={name: len(frame) for name, frame in tables.items()},
            conflicts=len(evidence.conflicts),
            unused_mappings=evidence.unused_mappings,
            national_sum_checks=[asdict(c) for c in cbs.national],
            years_without_cr99=cbs.years_without_cr99,
            regional_jobs_years=_corop_years(jobs),
            cbs_overlaps=cbs.overlaps,
            regional_births_years=_corop_years(cbs.tables["regional_births"]),
            national_sum_counts=cbs.national_counts(),
            blank_cells=cbs.blanks,
            sbi_sum_checks=cbs.sbi_checks,
            sbi_sum_warnings=cbs.sbi_warnings,
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
                    "regional_births_years": report.regional_births_years,
                    "regional_births_regions": sorted(
                        cbs.tables["regional_births"]["region_code"].unique().tolist()
                    ),
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

    raw = (raw or paths.raw_dir()).resolve()
    inputs = verify_all(raw)
    evidence = assemble(raw)
    cbs = cbs_findings(raw)
    verdicts = evidence.conflicts["verdict"].value_counts().to_dict()
    national = cbs.national_counts()
    sums = {k: sum(c[k] for c in cbs.sbi_checks) for k in ("checked", "exact", "within_tolerance")}
    return (
        f"data/raw is valid: {len(inputs)} files with matching checksums, {len(evidence.sources)} sources, "
        f"{len(evidence.facts)} facts, {len(evidence.events)} events, {len(evidence.conflicts)} conflicts ("
        + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
        + "), "
        + ", ".join(f"{len(t)} {name} rows" for name, t in cbs.tables.items())
        + "; COROP + CR99 = national: "
        + ", ".join(f"{m} {n['ok']} ok" for m, n in sorted(national.items()))
        + f"; SBI sums: {len(cbs.sbi_checks)} relations, {sums['checked']} region-years checked, "
        f"{sums['exact']} exact, {sums['within_tolerance']} within rounding, "
        f"{len(cbs.sbi_warnings)} beyond rounding (warnings); "
        f"{sum(b['cells'] for b in cbs.blanks)} blank cells"
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
