"""CBS StatLine tables: read what is on disk, tidy one regional table per measure (jobs, births).

On disk a table lives in ``data/raw/cbs/<TABLE_ID>/`` as

- the parts of an OData v3 download (``TypedDataSet``, ``DataProperties``, ``TableInfos``/``Metadata``, one
  code list per dimension; as ``.json`` written by :func:`fetch_table` or ``.parquet`` as recorded by others,
  optionally with a prefix such as ``statline-bq_cbs.v3.83583NED_``);
- a long OData CSV (any other ``*.csv`` in the table folder; header ``ID,<dimension columns...>,Perioden,
  <Measure>``, as CBS returns the ``TypedDataSet``), read by :func:`read_long_csv`. It carries codes and
  numbers only, so its sidecar says how to read it: ``measure`` (the project's name of the value: ``jobs``,
  ``births``), ``unit`` (``x 1 000``), ``decimals``, ``rounded_to`` (when CBS rounds more coarsely than the
  decimals: births to 5) and ``code_lists`` (the table whose code lists name its codes);
- a transcribed wide CSV (``*_wide.csv``: ``sbi_key, sbi_label, regio_code, <year>...``; unit and measure in
  its sidecar too).

Codes come back space-padded from CBS (``"CR39  "``): they are stripped. Periods ``2019JJ00`` are years;
units such as ``x 1 000`` are multiplied out. A blank cell (no value published: suppressed, or not
classifiable) is kept as a missing value by the readers, so it can be counted; the regional tables leave
those cells out and count them (``attrs["blanks"]``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccresearch import paths
from ccresearch.errors import InputError
from ccresearch.sources.csvfile import read_csv_checked

if TYPE_CHECKING:
    import pandas as pd

CBS_LICENCE = "CBS open data, CC BY 4.0 (Bron: CBS)"
CBS_FEED = "https://opendata.cbs.nl/ODataFeed/odata/{table}/"
TABLE_ID = re.compile(r"^[0-9]{5}[A-Z]{3}$")
YEAR_PERIOD = re.compile(r"^(\d{4})JJ00$")
ANY_PERIOD = re.compile(r"^\d{4}[A-Z]{2}\d{2}$")  # CBS period codes: 2019JJ00, 2020KW01, 2020MM01, ...
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
MEASURE_NAME = re.compile(r"^[a-z][a-z_]*$")
# the jobs measure of OData downloads (83582NED, 83583NED); long CSVs name theirs in the sidecar
JOBS_MEASURE = "BanenVanWerknemersInDecember_1"
TOTAL_SBI = "T001081"
SBI_DIMENSION = "BedrijfstakkenBranchesSBI2008"
REGION_DIMENSION = "RegioS"
PERIOD_DIMENSION = "Perioden"
_UNIT_FACTORS = {
    "x 1 000": 1_000.0,
    "x 1000": 1_000.0,
    "x 1 000 000": 1_000_000.0,
    "aantal": 1.0,
    "number": 1.0,
    "": 1.0,
}


@dataclass
class ODataTable:
    """One CBS table as downloaded: observations, measure properties, code lists and table info."""

    table_id: str
    data: pd.DataFrame
    properties: pd.DataFrame
    dimensions: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def unit(self, measure: str) -> str:
        """Unit of a measure as CBS states it (e.g. ``'x 1 000'``)."""
        row = self.properties[self.properties["Key"].str.strip() == measure]
        if row.empty:
            raise InputError("measure not in DataProperties", field="Key", value=measure)
        return str(row["Unit"].iloc[0] or "").strip()


def unit_factor(unit: str, *, file: Path | None = None) -> float:
    """Multiplier that turns a CBS unit into an absolute count (``'x 1 000'`` -> 1000)."""
    key = " ".join(unit.split())
    if key not in _UNIT_FACTORS:
        raise InputError(
            "unknown CBS unit", file=file, field="Unit", value=unit, expected=list(_UNIT_FACTORS)
        )
    return _UNIT_FACTORS[key]


def strip_codes(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Strip CBS space padding from code columns (``'CR39  '`` -> ``'CR39'``)."""
    out = frame.copy()
    for col in columns:
        out[col] = out[col].astype("string").str.strip()
    return out


def _part_name(path: Path, table_id: str) -> str:
    stem = path.name.split(".")[0] if path.suffix == ".json" and path.name.count(".") == 1 else path.stem
    # recorded names carry a prefix: statline-bq_cbs.v3.83583NED_TypedDataSet.parquet
    marker = f"{table_id}_"
    return stem.split(marker, 1)[1] if marker in stem else stem


def _read_part(path: Path) -> Any:
    import pandas as pd

    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a UTF-8 JSON file: {exc}", file=path) from exc
    if isinstance(data, dict) and "value" in data:
        data = data["value"]
    return pd.DataFrame(data) if isinstance(data, list) else data


def read_table(folder: Path, table_id: str | None = None) -> ODataTable:
    """Read a downloaded OData table from ``folder`` (json or parquet parts); the id defaults to its name."""
    import pandas as pd

    table_id = table_id or folder.name
    parts: dict[str, Any] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix in {".json", ".parquet"}:
            parts[_part_name(path, table_id)] = _read_part(path)
    data = parts.pop("TypedDataSet", None)
    if data is None:
        data = parts.pop("UntypedDataSet", None)
    if data is None or "DataProperties" not in parts:
        raise InputError(
            "incomplete CBS table",
            file=folder,
            expected="TypedDataSet (or UntypedDataSet) and DataProperties parts",
        )
    properties = parts.pop("DataProperties")
    info_part = parts.pop("TableInfos", None)
    if info_part is None:
        info_part = parts.pop("Metadata", {})
    if isinstance(info_part, pd.DataFrame):
        info_part = info_part.iloc[0].to_dict() if len(info_part) else {}
    dims = [str(k).strip() for k, t in zip(properties["Key"], properties["Type"], strict=True)]
    types = dict(zip(dims, properties["Type"], strict=True))
    dimensions = {
        name: strip_codes(frame, ["Key"])
        for name, frame in parts.items()
        if isinstance(frame, pd.DataFrame) and "Key" in frame and "Dimension" in str(types.get(name, ""))
    }
    code_cols = [c for c in data.columns if "Dimension" in str(types.get(c, ""))]
    return ODataTable(table_id, strip_codes(data, code_cols), properties, dimensions, dict(info_part))


def _sector_code(key: str, label: str) -> str:
    """``total`` for the CBS total of all activities, else the SBI code the label starts with (``N``,
    ``B-F``, ``M-N``, ``77``), else the key."""
    if key == TOTAL_SBI:
        return "total"
    return label.split()[0] if label.split() else key


_LEVEL_OF_PREFIX = {"NL": "country", "PV": "provincie", "CR": "corop", "GM": "gemeente", "LD": "landsdeel"}


def _region_level(code: str, known: dict[str, Any] | None = None) -> str:
    """The level of a region code: from the project's region list when given (a CR, GM, PV or NL code that
    list does not name is ``other``: CR98 is not a COROP region), else from the code's prefix."""
    if known is not None:
        if code in known:
            return str(known[code].level)
        if code[:2] in {"CR", "GM", "PV", "NL"}:
            return "other"
    if code == "CR99":
        return "unclassified"
    return _LEVEL_OF_PREFIX.get(code[:2], "other")


def _period_year(period: str, *, file: Path) -> int | None:
    match = YEAR_PERIOD.match(str(period).strip())
    return int(match.group(1)) if match else None


# --- how to read a file without metadata: its sidecar ----------------------------------------------------


@dataclass(frozen=True)
class ReadingNotes:
    """How to read a CBS CSV that carries codes and numbers only, as its sidecar states it."""

    measure: str
    unit: str
    factor: float
    decimals: int
    rounded_to: Decimal | None
    code_lists: str | None

    @property
    def precision(self) -> float:
        """The rounding step of a published value in absolute units: ``10**-decimals`` (or ``rounded_to``
        when coarser) times the unit (jobs: 0.1 x 1 000 = 100; births: 5)."""
        step = Decimal(1).scaleb(-self.decimals)
        if self.rounded_to is not None and self.rounded_to > step:
            step = self.rounded_to
        return float(step) * self.factor


def reading_notes(path: Path) -> ReadingNotes:
    """The reading notes (``measure``, ``unit``, ``decimals``, ``rounded_to``, ``code_lists``) of a raw CBS
    CSV from its sidecar; a missing or malformed field is an InputError naming the sidecar."""
    from ccresearch.sources.catalog import read_sidecar, sidecar_path

    side = read_sidecar(path)
    where = sidecar_path(path)
    mend = f"ccresearch sidecar {path} --field measure=jobs --field 'unit=x 1 000' --field decimals=1"

    def bad(field_: str, value: str, expected: str) -> InputError:
        return InputError(
            "the sidecar does not say how to read this CBS file",
            file=where,
            field=field_,
            value=value or None,
            expected=expected,
            mend=mend,
        )

    if not MEASURE_NAME.match(side.measure):
        raise bad("measure", side.measure, "the project's name of the value, lower case (jobs, births)")
    if not side.unit.strip():
        raise bad("unit", side.unit, f"the CBS unit, one of {[u for u in _UNIT_FACTORS if u]}")
    factor = unit_factor(side.unit, file=where)
    if not side.decimals.strip().isdigit():
        raise bad("decimals", side.decimals, "the number of published decimals (0, 1, ...)")
    rounded_to = None
    if side.rounded_to.strip():
        try:
            rounded_to = Decimal(side.rounded_to.strip())
        except InvalidOperation:
            rounded_to = Decimal(-1)
        if not rounded_to.is_finite() or rounded_to <= 0:
            raise bad("rounded_to", side.rounded_to, "a positive number: the step CBS rounds to (e.g. 5)")
    code_lists = side.code_lists.strip() or None
    if code_lists is not None and not TABLE_ID.match(code_lists):
        raise bad("code_lists", side.code_lists, "a CBS table id such as 83583NED")
    return ReadingNotes(side.measure, side.unit.strip(), factor, int(side.decimals), rounded_to, code_lists)


def _numbers(
    texts: pd.Series, *, notes: ReadingNotes, path: Path, rows: pd.Series, fields: pd.Series
) -> pd.Series:
    """Published numbers as absolute floats (blank -> missing); a malformed one is an InputError naming file,
    row and field. ``rows`` and ``fields`` give the file line and column of each text (same index)."""
    import pandas as pd

    texts = texts.astype("string").str.strip().fillna("")
    filled = texts != ""

    def fail(mask: pd.Series, problem: str, expected: str) -> None:
        if mask.any():
            at = mask[mask].index[0]
            raise InputError(
                problem,
                file=path,
                row=int(rows[at]),
                field=str(fields[at]),
                value=str(texts[at]),
                expected=expected,
                mend="compare the row with the CBS source and correct the copy, or correct the sidecar",
            )

    fail(filled & ~texts.str.match(NUMBER.pattern), "malformed number", "a number such as 47.7, or blank")
    # CBS may write a whole number as 885.0: decimals beyond the published ones must be zeros
    beyond = texts.str.partition(".")[2].str.slice(notes.decimals)
    fail(
        filled & (beyond.str.strip("0") != ""),
        "more decimals than the sidecar's decimals",
        f"at most {notes.decimals} decimal(s) that are not zero",
    )
    if notes.rounded_to is not None:
        step = notes.rounded_to
        off = pd.Series([t != "" and Decimal(t) % step != 0 for t in texts], index=texts.index, dtype=bool)
        fail(off, "value is not a multiple of the sidecar's rounded_to", f"a multiple of {step}")
    values = pd.to_numeric(texts.where(filled), errors="coerce").astype("float64")
    return (values * notes.factor).round(6)


# --- code lists --------------------------------------------------------------------------------------------


def code_list(root: Path, table_id: str, dimension: str) -> dict[str, str] | None:
    """Key -> title of ``dimension`` in the code list of table ``table_id`` under ``root`` (``data/raw/cbs``);
    None when that table has no list for the dimension."""
    folder = root / table_id
    if not folder.is_dir():
        raise InputError(
            "a sidecar names a code list table that is not in data/raw/cbs",
            file=folder,
            value=table_id,
            expected="a folder data/raw/cbs/<TABLE_ID> with the table's code lists",
        )
    for path in sorted(folder.iterdir()):
        if path.suffix in {".json", ".parquet"} and _part_name(path, table_id) == dimension:
            frame = _read_part(path)
            return dict(
                zip(frame["Key"].astype(str).str.strip(), frame["Title"].astype(str).str.strip(), strict=True)
            )
    return None


# --- long OData CSV ---------------------------------------------------------------------------------------


@dataclass
class LongTable:
    """A long OData CSV as read: one row per cell, codes stripped, years parsed, values absolute.

    ``data`` has the columns ``line`` (line in the file), ``ID``, one per dimension, ``year`` and ``value``
    (missing for a blank cell); ``labels`` maps a dimension to its code list (key -> title) where known.
    """

    table_id: str
    path: Path
    notes: ReadingNotes
    dimensions: list[str]
    measure_key: str
    data: pd.DataFrame
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def blanks(self) -> int:
        """Number of blank (unpublished) cells."""
        return int(self.data["value"].isna().sum())


def read_long_csv(path: Path, *, root: Path | None = None, notes: ReadingNotes | None = None) -> LongTable:
    """Read a long CBS OData CSV (header ``ID,<dimensions...>,Perioden,<Measure>``).

    Codes are stripped of their space padding, ``2019JJ00`` becomes 2019 (any other period kind is an
    error: only yearly tables are read), the unit from the sidecar is multiplied out and a blank cell stays
    missing. Malformed numbers, unknown codes (not in the code list the sidecar names), periods that are not
    years, duplicate IDs and cells given twice are InputErrors naming file, row, field and value.
    ``root`` is ``data/raw/cbs`` (default: two folders up); ``notes`` default to the file's sidecar.
    """
    import pandas as pd

    root = root or path.parent.parent
    notes = notes or reading_notes(path)
    frame = read_csv_checked(path, required=["ID", PERIOD_DIMENSION])
    columns = list(frame.columns)
    if len(columns) < 4 or columns[0] != "ID" or columns[-2] != PERIOD_DIMENSION:
        raise InputError(
            "not a long CBS OData CSV",
            file=path,
            row=1,
            value=",".join(columns),
            expected=f"a header ID,<dimension columns...>,{PERIOD_DIMENSION},<Measure>",
        )
    dims, measure_key = columns[1:-2], columns[-1]
    rows = pd.Series(frame.index + 2, index=frame.index)

    def fail(mask: pd.Series, problem: str, column: str, expected: str, mend: str | None = None) -> None:
        if mask.any():
            at = mask[mask].index[0]
            raise InputError(
                problem,
                file=path,
                row=int(rows[at]),
                field=column,
                value=str(frame.loc[at, column]),
                expected=expected,
                mend=mend or "compare the row with the CBS source and correct the copy",
            )

    ids = frame["ID"].str.strip()
    fail(~ids.str.fullmatch(r"\d+"), "malformed ID", "ID", "a whole number")
    fail(ids.duplicated(), "ID given twice", "ID", "each ID once")
    out = pd.DataFrame({"line": rows, "ID": ids.astype("int64")})
    labels: dict[str, dict[str, str]] = {}
    for dim in dims:
        codes = frame[dim].str.strip()
        fail(codes == "", "empty code", dim, "a CBS code")
        known = code_list(root, notes.code_lists, dim) if notes.code_lists else None
        if known is not None:
            fail(
                ~codes.isin(known),
                "code not in the code list",
                dim,
                f"a key of the {dim} code list of {notes.code_lists}",
                "check the code against the CBS table, or name another code_lists table in the sidecar",
            )
            labels[dim] = known
        out[dim] = codes
    periods = frame[PERIOD_DIMENSION].str.strip()
    other_kind = periods.str.match(ANY_PERIOD.pattern) & ~periods.str.match(YEAR_PERIOD.pattern)
    expected = "a year as CBS writes it, e.g. 2019JJ00 (only yearly figures are read)"
    fail(~periods.str.match(ANY_PERIOD.pattern), "malformed period", PERIOD_DIMENSION, expected)
    fail(
        other_kind,
        "period is not a year (a quarter 2020KW01, a month 2020MM01 or another kind)",
        PERIOD_DIMENSION,
        expected,
        "read a yearly table, or select the yearly periods (Perioden ending in JJ00) when downloading",
    )
    out["year"] = periods.str.slice(0, 4).astype("int64")
    cell = [*dims, "year"]
    fail(
        out.duplicated(cell, keep="first"),
        "cell given twice (same codes and period)",
        PERIOD_DIMENSION,
        "one row per combination of " + ", ".join([*dims, PERIOD_DIMENSION]),
    )
    out["value"] = _numbers(
        frame[measure_key],
        notes=notes,
        path=path,
        rows=rows,
        fields=pd.Series(measure_key, index=frame.index),
    )
    return LongTable(path.parent.name, path, notes, dims, measure_key, out, labels)


def measure_from_long(table: LongTable) -> pd.DataFrame:
    """Tidy regional rows of a long table (dimensions SBI and region): value column named by the measure."""
    unknown = [d for d in table.dimensions if d not in {SBI_DIMENSION, REGION_DIMENSION}]
    if unknown or len(table.dimensions) != 2:
        raise InputError(
            "a dimension the regional tables do not read",
            file=table.path,
            row=1,
            field=unknown[0] if unknown else None,
            value=table.dimensions,
            expected=f"exactly the dimensions {SBI_DIMENSION} and {REGION_DIMENSION}",
        )
    data = table.data
    label_of = table.labels.get(SBI_DIMENSION, {})
    return _measure_frame(
        table.notes.measure,
        region=data[REGION_DIMENSION],
        sbi_key=data[SBI_DIMENSION],
        sbi_label=data[SBI_DIMENSION].map(label_of).fillna(""),
        year=data["year"],
        values=data["value"],
        source_table=table.table_id,
        precision=table.notes.precision,
    )


# --- transcribed wide CSV ----------------------------------------------------------------------------------


def measure_from_wide(path: Path) -> pd.DataFrame:
    """Tidy regional rows from a transcribed wide CSV (one column per year; measure and unit from its sidecar).

    A blank cell stays a row with a missing value.
    """
    import pandas as pd

    table_id = path.parent.name
    notes = reading_notes(path)
    frame = read_csv_checked(path, required=["sbi_key", "sbi_label", "regio_code"])
    years = [c for c in frame.columns if c not in {"sbi_key", "sbi_label", "regio_code"}]
    for c in years:
        if not c.isdigit():
            raise InputError("unexpected column", file=path, field=c, expected="a year such as 2019")
    frame = frame.assign(_line=frame.index + 2)
    long = frame.melt(
        id_vars=["sbi_key", "sbi_label", "regio_code", "_line"], var_name="year", value_name="value"
    )
    values = _numbers(long["value"], notes=notes, path=path, rows=long["_line"], fields=long["year"])
    return _measure_frame(
        notes.measure,
        region=long["regio_code"].str.strip(),
        sbi_key=long["sbi_key"].str.strip(),
        sbi_label=long["sbi_label"].str.strip(),
        year=long["year"].astype(int),
        values=pd.Series(values, index=long.index),
        source_table=table_id,
        precision=notes.precision,
    )


jobs_from_wide = measure_from_wide  # the name of earlier versions


def jobs_from_odata(table: ODataTable, *, folder: Path) -> pd.DataFrame:
    """Tidy jobs from an OData table: regional when it has ``RegioS``, else national (NL01)."""
    import pandas as pd

    data = table.data
    if JOBS_MEASURE not in data.columns or SBI_DIMENSION not in data.columns:
        return _measure_frame("jobs")
    factor = unit_factor(table.unit(JOBS_MEASURE), file=folder)
    keep = pd.Series(True, index=data.index)
    # keep the total category of every other dimension (CBS totals have keys starting with 'T00')
    for dim in table.dimensions:
        if dim in {SBI_DIMENSION, REGION_DIMENSION, PERIOD_DIMENSION} or dim not in data.columns:
            continue
        keep &= data[dim].str.startswith("T00")
    data = data[keep]
    years = data[PERIOD_DIMENSION].map(lambda p: _period_year(p, file=folder))
    data = data[years.notna()]
    years = years[years.notna()].astype(int)
    labels = table.dimensions.get(SBI_DIMENSION)
    label_of = (
        dict(zip(labels["Key"], labels["Title"].str.strip(), strict=True)) if labels is not None else {}
    )
    region = (
        data[REGION_DIMENSION] if REGION_DIMENSION in data.columns else pd.Series("NL01", index=data.index)
    )
    regio = table.dimensions.get(REGION_DIMENSION)
    names = (
        dict(zip(regio["Key"], regio["Title"].astype(str).str.strip(), strict=True))
        if regio is not None
        else {}
    )
    values = pd.to_numeric(data[JOBS_MEASURE], errors="coerce").astype("float64")
    decimals = table.properties.loc[table.properties["Key"].str.strip() == JOBS_MEASURE, "Decimals"]
    precision = float("nan")
    if len(decimals) and pd.notna(decimals.iloc[0]):
        values = values.round(int(decimals.iloc[0]))  # recorded floats carry float32 noise (7888.200195)
        precision = float(Decimal(1).scaleb(-int(decimals.iloc[0]))) * factor
    return _measure_frame(
        "jobs",
        region=region,
        region_name=pd.Series([names.get(str(c), "") for c in region], index=region.index, dtype=object),
        sbi_key=data[SBI_DIMENSION],
        sbi_label=data[SBI_DIMENSION].map(label_of).fillna(""),
        year=years,
        values=(values * factor).round(6),
        source_table=table.table_id,
        precision=precision,
    )


def measure_columns(measure: str) -> list[str]:
    """Columns of a tidy regional table whose value column is ``measure`` (``jobs``, ``births``)."""
    return [
        "region_code",
        "region_name",
        "region_level",
        "sbi_key",
        "sbi_label",
        "sector",
        "year",
        measure,
        "source_table",
        "precision",
    ]


JOBS_COLUMNS = measure_columns("jobs")


def empty_table(measure: str) -> pd.DataFrame:
    """A regional table of ``measure`` without rows (the columns of :func:`measure_columns`)."""
    return _measure_frame(measure)


def _measure_frame(measure: str, **cols: Any) -> pd.DataFrame:
    import pandas as pd

    columns = measure_columns(measure)
    if not cols:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    frame = pd.DataFrame(
        {
            "region_code": cols["region"].astype(str).str.strip().values,
            "sbi_key": cols["sbi_key"].astype(str).str.strip().values,
            "sbi_label": cols["sbi_label"].astype(str).str.strip().values,
            "year": cols["year"].values,
            measure: cols["values"].values,
        }
    )
    frame["source_table"] = cols["source_table"]
    frame["precision"] = float(cols["precision"])
    frame["sector"] = [
        _sector_code(k, lbl) for k, lbl in zip(frame["sbi_key"], frame["sbi_label"], strict=True)
    ]
    frame["region_level"] = frame["region_code"].map(_region_level)
    frame["region_name"] = cols["region_name"].values if "region_name" in cols else ""
    return frame[columns]


# --- the regional tables: every input of a measure, overlaps resolved, blanks counted ----------------------


def _is_long_csv(path: Path) -> bool:
    return (
        path.suffix == ".csv"
        and not path.name.endswith("_wide.csv")
        and TABLE_ID.match(path.parent.name) is not None
    )


def _inputs(raw: Path) -> list[tuple[pd.DataFrame, int, str, str]]:
    """Every regional CBS input under ``raw/cbs``: (tidy frame, rank, origin, file relative to raw)."""
    from ccresearch.sources.catalog import is_hidden

    root = raw / "cbs"
    found: list[tuple[pd.DataFrame, int, str, str]] = []
    folders = sorted({p.parent for p in root.rglob("*DataProperties.*") if not is_hidden(p, root)})
    for folder in folders:
        table = read_table(folder)
        rank = 0 if REGION_DIMENSION in table.data.columns else 1
        found.append(
            (jobs_from_odata(table, folder=folder), rank, "download", folder.relative_to(raw).as_posix())
        )
    for path in sorted(p for p in root.rglob("*.csv") if _is_long_csv(p) and not is_hidden(p, root)):
        frame = measure_from_long(read_long_csv(path, root=root))
        found.append((frame, 0, "download", path.relative_to(raw).as_posix()))
    for path in sorted(p for p in root.rglob("*_wide.csv") if not is_hidden(p, root)):
        found.append((measure_from_wide(path), 2, "transcription", path.relative_to(raw).as_posix()))
    return found


@dataclass
class RegionalMeasure:
    """Every CBS cell of one measure: ``cells`` holds one row per region, SBI code and year (blank cells
    with a missing value), after overlaps between inputs were resolved; ``overlaps`` says how."""

    measure: str
    cells: pd.DataFrame
    overlaps: list[dict[str, Any]]

    def table(self) -> pd.DataFrame:
        """The published cells only (blank cells left out, counted in ``attrs["blanks"]``), sorted."""
        published = self.cells[self.cells[self.measure].notna()].reset_index(drop=True)
        published.attrs["overlaps"] = list(self.overlaps)
        published.attrs["blanks"] = blank_counts(self.cells, self.measure)
        return published


def blank_counts(cells: pd.DataFrame, measure: str) -> list[dict[str, Any]]:
    """Blank (unpublished) cells counted per source table, SBI code, year and region level."""
    blank = cells[cells[measure].isna()]
    keys = ["source_table", "sbi_key", "sector", "year", "region_level"]
    counted = blank.groupby(keys, sort=True).size().reset_index(name="cells")
    return [
        {
            **{k: (int(v) if k == "year" else str(v)) for k, v in zip(keys, row[:-1], strict=True)},
            "cells": int(row[-1]),
        }
        for row in counted.itertuples(index=False)
    ]


def regional_measures(raw: Path | None = None) -> dict[str, RegionalMeasure]:
    """Every regional CBS input under ``raw/cbs`` (sub-folders included), one :class:`RegionalMeasure` per
    measure (``jobs``, ``births``), region names and levels from ``data/raw/regions``.

    Where two inputs give the same cell (region, SBI code, year) one is kept, in this order: a download with
    regions (OData with ``RegioS``, or a long OData CSV), a national download, a transcription (wide CSV).
    Every overlap is counted (cells, agreeing, differing). A transcription must agree with the download it
    repeats, blank for blank: a difference is an InputError naming the cell, both values and both files.
    Downloads that differ (e.g. a later download with revised figures) are counted, not an error.
    """
    import pandas as pd

    from ccresearch.sources.regions import regions

    raw = raw or paths.raw_dir()
    known = regions(raw)
    by_measure: dict[str, list[pd.DataFrame]] = {}
    for frame, rank, origin, rel in _inputs(raw):
        if not len(frame):
            continue
        measure = next(c for c in frame.columns if c not in measure_columns(""))
        by_measure.setdefault(measure, []).append(frame.assign(_rank=rank, _origin=origin, _file=rel))
    out: dict[str, RegionalMeasure] = {}
    for measure, frames in sorted(by_measure.items()):
        cells = pd.concat(frames, ignore_index=True)
        cells["region_level"] = [_region_level(c, known) for c in cells["region_code"]]
        cells["region_name"] = [
            known[c].name if c in known else n
            for c, n in zip(cells["region_code"], cells["region_name"], strict=True)
        ]
        nameless = cells[(cells["region_name"] == "") & cells[measure].notna()]
        if len(nameless):
            raise InputError(
                "region code in CBS data that no code list names",
                file=raw / str(nameless["_file"].iloc[0]),
                field=REGION_DIMENSION,
                value=sorted(set(nameless["region_code"]))[:5],
                expected="codes in data/raw/regions or in the download's RegioS list",
                mend="add the region to data/raw/regions/regions_reference.csv with its source",
            )
        cells, overlaps = _resolve_overlaps(cells, measure, raw)
        cells = cells.drop(columns=["_rank", "_origin", "_file"])
        cells["year"] = cells["year"].astype("int64")
        cells[measure] = cells[measure].astype("float64").round(6)
        cells["precision"] = cells["precision"].astype("float64")
        cells = cells.sort_values(["region_code", "sbi_key", "year"]).reset_index(drop=True)
        out[measure] = RegionalMeasure(measure, cells[measure_columns(measure)], overlaps)
    return out


def _resolve_overlaps(
    cells: pd.DataFrame, measure: str, raw: Path
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    cell = ["region_code", "sbi_key", "year"]
    cells = cells.sort_values(["_rank", "source_table", "_file"], kind="stable")
    first = ~cells.duplicated(cell, keep="first")
    kept, dropped = cells[first], cells[~first]
    overlaps: list[dict[str, Any]] = []
    if not len(dropped):
        return kept, overlaps
    both = dropped.merge(
        kept[[*cell, measure, "source_table", "_origin", "_file"]], on=cell, suffixes=("", "_kept")
    )
    a, b = both[measure], both[f"{measure}_kept"]
    both["_same"] = (a.isna() & b.isna()) | ((a - b).abs() <= 1e-6)
    both["_difference"] = (a - b).abs()
    keys = ["source_table", "_origin", "_file", "source_table_kept", "_origin_kept", "_file_kept"]
    for (table, origin, file, table_kept, origin_kept, file_kept), group in both.groupby(keys, sort=True):
        differ = group[~group["_same"]]
        if len(differ) and "transcription" in {origin, origin_kept}:
            first_bad = differ.sort_values(cell).iloc[0]
            value = None if _isna(first_bad[measure]) else float(first_bad[measure])
            other = None if _isna(first_bad[f"{measure}_kept"]) else float(first_bad[f"{measure}_kept"])
            raise InputError(
                f"a transcription and a download give different values for the same cell ({len(differ)} "
                "cells differ)",
                file=raw / file,
                field=f"{first_bad['region_code']} {first_bad['sbi_key']} {int(first_bad['year'])} ({measure})",
                value="blank" if value is None else value,
                expected=f"{'blank' if other is None else other} as in {file_kept}",
                mend="correct the transcription after the download; if CBS revised the figure, move the "
                "transcription out of data/raw (or into a hidden folder such as cbs/.old/)",
            )
        overlaps.append(
            {
                "dropped": f"{table} ({origin})",
                "kept": f"{table_kept} ({origin_kept})",
                "dropped_file": file,
                "kept_file": file_kept,
                "measure": measure,
                "cells": len(group),
                "cells_that_agree": int(group["_same"].sum()),
                "cells_that_differ": len(differ),
                "largest_difference": float(group["_difference"].max())
                if group["_difference"].notna().any()
                else 0.0,
            }
        )
    return kept, overlaps


def _isna(value: Any) -> bool:
    """True for a missing scalar (None or NaN)."""
    return value is None or (isinstance(value, float) and value != value)


def regional_jobs(raw: Path | None = None) -> pd.DataFrame:
    """All jobs inputs under ``raw/cbs`` as one tidy table of published cells, region names added, sorted.

    Blank (unpublished) cells are left out: they are counted in ``frame.attrs["blanks"]`` (per source table,
    SBI code, year and region level), never silently. How many cells two inputs gave and how many of them
    differ is in ``frame.attrs["overlaps"]``. See :func:`regional_measures`.
    """
    measures = regional_measures(raw)
    return measures["jobs"].table() if "jobs" in measures else _measure_frame("jobs")


def regional_births(raw: Path | None = None) -> pd.DataFrame:
    """Establishment births (CBS 83631NED) by region, SBI code and year, as :func:`regional_jobs`."""
    measures = regional_measures(raw)
    return measures["births"].table() if "births" in measures else _measure_frame("births")


@dataclass(frozen=True)
class SumCheck:
    """COROP rows + CR99 against the national total for one SBI code and year."""

    sbi_key: str
    year: int
    corop_sum: float
    unclassified: float | None
    national: float | None
    difference: float | None
    tolerance: float
    status: str  # ok | mismatch | no_unclassified | no_national | incomplete
    measure: str = "jobs"
    corop_regions: int = 0


NATIONAL_STATUSES = ("ok", "mismatch", "no_unclassified", "no_national", "incomplete")


def check_national_sums(cells: pd.DataFrame, measure: str = "jobs") -> list[SumCheck]:
    """Check that COROP rows plus CR99 sum to NL01 (within rounding) for every SBI code and year.

    ``cells`` is a regional table (blank cells as missing values, or left out) with a ``precision`` column:
    the tolerance is half a rounding step per summed value. A code-year is ``incomplete`` when a COROP region
    of the table has no value for it (a blank cell: not checkable), ``no_unclassified`` without a CR99 value,
    ``no_national`` without a national value; each is reported with its status, none is skipped.
    """
    import pandas as pd

    if "precision" not in cells.columns:
        raise InputError(
            "regional table lacks the precision column",
            field="precision",
            expected="a regional table as built by ccresearch.sources.cbs (rounding step per row)",
        )
    checks: list[SumCheck] = []
    corop = cells[cells["region_level"] == "corop"]
    regions = set(corop["region_code"])
    # CR99 and national values by (code, SBI key, year), looked up once (a dict, not an index per group)
    outside = cells[cells["region_code"].isin(["CR99", "NL01"])]
    values = {
        (str(c), str(k), int(y)): (v, pr)
        for c, k, y, v, pr in zip(
            outside["region_code"],
            outside["sbi_key"],
            outside["year"],
            outside[measure],
            outside["precision"],
            strict=True,
        )
    }
    for (sbi, year), group in corop.groupby(["sbi_key", "year"], sort=True):
        have = group[group[measure].notna()]
        total = float(have[measure].sum())
        half = 0.5 * have["precision"].astype(float)

        def one(code: str, sbi: str = sbi, year: int = year) -> tuple[float | None, float]:
            value, precision = values.get((code, str(sbi), int(year)), (None, 0.0))
            if value is None or pd.isna(value):
                return None, 0.0
            return float(value), 0.5 * float(precision)

        unclassified, tol_u = one("CR99")
        national, tol_n = one("NL01")
        tolerance = round(float(half.sum()) + tol_u + tol_n, 6)
        diff = None
        if set(have["region_code"]) != regions:
            status = "incomplete"
        elif unclassified is None:
            status = "no_unclassified"
        elif national is None:
            status = "no_national"
        else:
            diff = round(total + unclassified - national, 6)
            status = "ok" if abs(diff) <= tolerance + 1e-6 else "mismatch"
        checks.append(
            SumCheck(
                str(sbi),
                int(year),
                total,
                unclassified,
                national,
                diff,
                tolerance,
                status,
                measure,
                len(have),
            )
        )
    return checks
