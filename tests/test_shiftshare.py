"""Shift-share: the three components add up to the actual change, on real CBS data and constructed tables."""

from __future__ import annotations

import json
import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_regional import real_jobs

from ccresearch.analysis import regional
from ccresearch.analysis.methods.shiftshare import shift_share, shift_share_all
from ccresearch.errors import InputError, ParameterError
from ccresearch.report import methods as rm

matplotlib.use("Agg")


def synthetic_textbook_table() -> pd.DataFrame:
    """Constructed two-region, two-sector example worked out by hand below."""
    rows = [
        ("R1", "X", 2000, 100.0), ("R1", "X", 2001, 120.0),
        ("R1", "Y", 2000, 100.0), ("R1", "Y", 2001, 90.0),
        ("R2", "X", 2000, 100.0), ("R2", "X", 2001, 100.0),
        ("R2", "Y", 2000, 300.0), ("R2", "Y", 2001, 330.0),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["region_code", "sector", "year", "jobs"])


def assert_components_add_up(values: dict[str, float]) -> None:
    total = values["national"] + values["industry_mix"] + values["regional"]
    scale = max(1.0, *(abs(v) for v in values.values()))
    assert abs(total - values["actual"]) <= 1e-9 * scale


def test_textbook_example_matches_hand_calculation():
    res = shift_share(synthetic_textbook_table(), "R1", 2000, 2001)
    # national: 600 -> 640, g = 1/15; sector X: 200 -> 220 (+10%); sector Y: 400 -> 420 (+5%)
    x = res.by_sector.loc["X"]
    assert x["national"] == pytest.approx(100 / 15)
    assert x["industry_mix"] == pytest.approx(100 * (0.10 - 1 / 15))
    assert x["regional"] == pytest.approx(100 * (0.20 - 0.10))
    y = res.summary("Y")
    assert y == pytest.approx({"national": 100 / 15, "industry_mix": 100 * (0.05 - 1 / 15),
                               "regional": 100 * (-0.10 - 0.05), "actual": -10.0})  # fmt: skip
    assert res.totals["actual"] == pytest.approx(10.0)
    assert_components_add_up(res.totals)


def test_real_zuid_limburg_n_2014_2019_adds_up_to_7300_jobs():
    table = regional.region_sector_table(real_jobs())
    res = shift_share(table, "CR39", 2014, 2019)
    n = res.summary("N")
    assert n["actual"] == pytest.approx(34_500 - 27_200)
    assert_components_add_up(n)
    assert_components_add_up(res.totals)
    assert res.totals["actual"] == pytest.approx(266_000 - 250_000)
    # national growth is the growth of the sum over all 40 COROP regions
    nat = table.groupby("year")["jobs"].sum()
    assert res.national_growth_rate == pytest.approx(nat[2019] / nat[2014] - 1)


def test_regional_shifts_of_all_regions_sum_to_zero_per_sector():
    table = regional.region_sector_table(real_jobs())
    for sector in ("N", "rest"):
        allr = shift_share_all(table, 2014, 2019, sector=sector)
        # sum over regions of E_ri0 * (g_ri - g_i) is zero because the regions make up the nation
        assert allr["regional"].sum() == pytest.approx(0.0, abs=1e-6)
        assert len(allr) == 40 and not allr.isna().any().any()


def test_every_corop_region_has_finite_components_that_add_up():
    table = regional.region_sector_table(real_jobs())
    allr = shift_share_all(table, 2010, 2024)
    assert allr.notna().all().all()
    for _, row in allr.iterrows():
        assert_components_add_up(row.to_dict())


def test_to_dict_is_json_and_plot_draws_four_bars():
    import matplotlib.pyplot as plt

    res = shift_share(synthetic_textbook_table(), "R2", 2000, 2001, caveats=["constructed example"])
    data = json.loads(json.dumps(res.to_dict()))
    assert data["totals"]["actual"] == pytest.approx(30.0)
    fig, ax = plt.subplots()
    rm.shift_share_bars(res, ax, sector="Y")
    assert len(ax.patches) == 4
    plt.close(fig)


def test_missing_cell_and_bad_years_are_named():
    table = synthetic_textbook_table().iloc[1:]
    with pytest.raises(InputError, match="every region and sector"):
        shift_share(table, "R1", 2000, 2001)
    with pytest.raises(ParameterError, match="start year"):
        shift_share(synthetic_textbook_table(), "R1", 2001, 2000)
    with pytest.raises(ParameterError, match="region not in"):
        shift_share(synthetic_textbook_table(), "R9", 2000, 2001)


@st.composite
def synthetic_tables(draw):
    """Random constructed region x sector x year tables (some zero cells)."""
    n_regions = draw(st.integers(1, 5))
    n_sectors = draw(st.integers(1, 4))
    jobs = st.one_of(st.just(0.0), st.floats(0.1, 1e6, allow_nan=False))
    rows = []
    for r in range(n_regions):
        for s in range(n_sectors):
            for year in (2000, 2005):
                rows.append((f"R{r}", f"S{s}", year, draw(jobs)))
    table = pd.DataFrame(rows, columns=["region_code", "sector", "year", "jobs"])
    if table[table["year"] == 2000]["jobs"].sum() == 0:
        table.loc[0, "jobs"] = 1.0
    return table


@settings(max_examples=60, deadline=None)
@given(synthetic_tables())
def test_components_add_up_exactly_on_random_synthetic_tables(table):
    for region in table["region_code"].unique():
        res = shift_share(table, region, 2000, 2005)
        for sector in res.by_sector.index:
            values = res.summary(sector)
            assert all(math.isfinite(v) for v in values.values())
            assert_components_add_up(values)
        assert_components_add_up(res.totals)
        assert res.totals["actual"] == pytest.approx(
            table[(table.region_code == region) & (table.year == 2005)]["jobs"].sum()
            - table[(table.region_code == region) & (table.year == 2000)]["jobs"].sum()
        )
    # regional shifts cancel over regions in every sector that exists nationally in the start year
    # (a sector that appears from nothing is all regional shift: its national growth rate is undefined)
    start = table[table["year"] == 2000].groupby("sector")["jobs"].sum()
    for sector in start[start > 0].index:
        regional_sum = shift_share_all(table, 2000, 2005, sector=sector)["regional"].sum()
        assert np.isfinite(regional_sum)
        assert abs(regional_sum) <= 1e-6 * max(1.0, table["jobs"].abs().sum())


def test_synthetic_full_table_with_sections_and_gemeenten_runs_through_the_same_code():
    from test_regional import synthetic_jobs

    jobs = synthetic_jobs(sections={"A": 5.0, "C": 30.0, "G": 20.0, "N": 45.0}, regions=4, years=3)
    jobs.loc[jobs["region_level"] == "corop", "region_level"] = "gemeente"
    jobs["region_code"] = jobs["region_code"].str.replace("CR", "GM00", regex=False)
    table = regional.region_sector_table(jobs, level="gemeente")
    assert sorted(table["sector"].unique()) == ["A", "C", "G", "N"]
    res = shift_share(table, "GM0002", 2010, 2012)
    assert list(res.by_sector.index) == ["A", "C", "G", "N"]
    assert_components_add_up(res.totals)
    # only N grows (1 job a year in every region): in A, C and G the national pull is cancelled by the
    # industry mix exactly, and nothing is regional
    static = res.by_sector.loc[["A", "C", "G"]]
    assert (static["national"] > 0).all()
    assert (static["national"] + static["industry_mix"]).abs().max() < 1e-9
    assert static[["regional", "actual"]].abs().max().max() < 1e-9
    assert res.summary("N")["actual"] == pytest.approx(2.0)


# --- the full section structure (issue 15, point 3) ---------------------------------------------------------


def synthetic_sections_table() -> pd.DataFrame:
    """Constructed loaders'-style table: sections A, B, C, the group A-B, total (R2 has 2 jobs outside the
    sections), and B suppressed (blank) in R3 in 2001; every value worked out by hand in the tests below."""
    jobs = {
        # region: {sector: (2000, 2001, 2002)}
        "R1": {"A": (10, 12, 12), "B": (20, 22, 24), "C": (70, 70, 71), "total": (100, 104, 107)},
        "R2": {"A": (20, 20, 21), "B": (30, 36, 36), "C": (50, 50, 50), "total": (102, 108, 109)},
        "R3": {"A": (5, 5, 5), "B": (10, None, 12), "C": (85, 86, 86), "total": (100, 102, 103)},
    }
    rows = []
    for region, sectors in jobs.items():
        for sector, values in sectors.items():
            for year, value in zip((2000, 2001, 2002), values, strict=True):
                rows.append((region, f"Region {region[1]}", "corop", sector, year, value))
        for year, (a, b) in zip(
            (2000, 2001, 2002), zip(sectors["A"], sectors["B"], strict=True), strict=True
        ):
            rows.append((region, f"Region {region[1]}", "corop", "A-B", year, None if b is None else a + b))
    rows.append(("R9", "not a region", "unclassified", "total", 2000, 999))
    return pd.DataFrame(
        rows, columns=["region_code", "region_name", "region_level", "sector", "year", "jobs"]
    )


def test_sections_only_never_groups_or_total_and_rest_is_reported():
    table = regional.region_sector_table(synthetic_sections_table(), years=(2000, 2002))
    assert sorted(table["sector"].unique()) == ["A", "B", "C", "rest"]
    assert table.attrs["suppressed"] == {} and table.attrs["left_out"] == []
    rest = table[table["sector"] == "rest"].set_index(["region_code", "year"])["jobs"]
    assert rest[("R2", 2000)] == 2 and rest[("R1", 2002)] == 0 and rest[("R3", 2002)] == 0
    assert "R9" not in set(table["region_code"])


def test_suppressed_cell_goes_to_the_regions_rest_and_leaves_the_national_reference():
    jobs = synthetic_sections_table()
    res = shift_share(jobs, "R1", 2000, 2001)
    assert res.suppressed == {"B": ["R3"]} and res.sections_in_rest == []
    # national: total 302 -> 314; B without R3: 50 -> 58 (+16 %)
    g = 12 / 302
    b = res.summary("B")
    assert b == pytest.approx({"national": 20 * g, "industry_mix": 20 * (0.16 - g),
                               "regional": 20 * (0.10 - 0.16), "actual": 2.0})  # fmt: skip
    im = 10 * (2 / 35 - g) + 20 * (0.16 - g) + 70 * (1 / 205 - g)  # rest of R1 is 0 jobs
    assert res.totals == pytest.approx({"national": 100 * g, "industry_mix": im,
                                        "regional": 4 - 100 * g - im, "actual": 4.0})  # fmt: skip
    r3 = shift_share(jobs, "Region 3", 2000, 2001)
    assert r3.region == "R3" and r3.sections_in_rest == ["B"]
    assert list(r3.by_sector.index) == ["A", "C", "rest"]
    # B stays in R3's rest in both years: 100 - 5 - 85 = 10 -> 102 - 5 - 86 = 11
    assert r3.by_sector.loc["rest", ["jobs_start", "jobs_end"]].tolist() == [10.0, 11.0]
    assert r3.totals["actual"] == pytest.approx(2.0)
    assert_components_add_up(r3.totals)
    with pytest.raises(ParameterError, match="counted in 'rest'"):
        r3.summary("B")
    assert json.loads(json.dumps(r3.to_dict()))["sections_in_rest"] == ["B"]


def test_a_suppressed_cell_outside_the_two_years_changes_nothing():
    res = shift_share(synthetic_sections_table(), "R1", 2000, 2002)
    assert res.suppressed == {}
    # national B: 60 -> 72 (+20 %), total 302 -> 319
    g = 17 / 302
    assert res.summary("B")["industry_mix"] == pytest.approx(20 * (0.20 - g))
    assert res.national_growth_rate == pytest.approx(g)


def test_regional_shifts_cancel_over_regions_with_suppressed_cells():
    jobs = synthetic_sections_table()
    for sector in ("A", "B", "C", "rest"):
        allr = shift_share_all(jobs, 2000, 2001, sector=sector)
        assert allr["regional"].sum() == pytest.approx(0.0, abs=1e-9)
    b = shift_share_all(jobs, 2000, 2001, sector="B")
    assert b.loc["R3"].isna().all() and b.drop(index="R3").notna().all().all()


def test_a_section_held_for_some_regions_only_is_left_out_for_all():
    jobs = synthetic_sections_table()
    extra = jobs[(jobs["region_code"] == "R1") & (jobs["sector"] == "A")].assign(sector="D", jobs=1.0)
    jobs = pd.concat([jobs, extra], ignore_index=True)
    jobs.loc[(jobs["region_code"] == "R1") & (jobs["sector"] == "total"), "jobs"] += 1.0
    res = shift_share(jobs, "R1", 2000, 2002)
    assert res.left_out == ["D"] and res.sections_in_rest == ["D"]
    assert "D" not in res.by_sector.index
    assert res.by_sector.loc["rest", "jobs_start"] == 1.0


def synthetic_three_year_table() -> pd.DataFrame:
    """The textbook table with a third year (constructed; worked out by hand below)."""
    rows = [
        ("R1", "X", 2000, 100.0), ("R1", "X", 2001, 110.0), ("R1", "X", 2002, 120.0),
        ("R1", "Y", 2000, 100.0), ("R1", "Y", 2001, 100.0), ("R1", "Y", 2002, 90.0),
        ("R2", "X", 2000, 100.0), ("R2", "X", 2001, 100.0), ("R2", "X", 2002, 100.0),
        ("R2", "Y", 2000, 300.0), ("R2", "Y", 2001, 320.0), ("R2", "Y", 2002, 330.0),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["region_code", "sector", "year", "jobs"])


def test_components_by_start_year_match_hand_calculation():
    from ccresearch.analysis.methods import shift_share_by_start_year

    out = shift_share_by_start_year(synthetic_three_year_table(), "R1", [2001, 2000], 2002)
    assert list(out["start_year"]) == [2000, 2001] and (out["end_year"] == 2002).all()
    first, second = out.iloc[0], out.iloc[1]
    # 2000 -> 2002: national 600 -> 640 (g = 1/15), X 200 -> 220 (+10 %), Y 400 -> 420 (+5 %)
    assert first["national"] == pytest.approx(200 / 15)
    assert first["industry_mix"] == pytest.approx(100 * (0.10 - 1 / 15) + 100 * (0.05 - 1 / 15))
    assert first["regional"] == pytest.approx(-5.0)
    assert first["actual"] == pytest.approx(10.0)
    # 2001 -> 2002: national 630 -> 640 (g = 1/63), X 210 -> 220 (+1/21), Y 420 -> 420 (0)
    assert second["national"] == pytest.approx(210 / 63)
    assert second["industry_mix"] == pytest.approx(110 * (1 / 21 - 1 / 63) - 100 / 63)
    assert second["regional"] == pytest.approx(-330 / 63)
    assert second["actual"] == pytest.approx(0.0)
    assert [first["jobs_start"], second["jobs_start"], second["jobs_end"]] == [200.0, 210.0, 210.0]
    x = shift_share_by_start_year(synthetic_three_year_table(), "R1", [2000, 2001], 2002, sector="X")
    assert x[["national", "industry_mix", "regional", "actual"]].to_numpy() == pytest.approx(
        np.array([[100 / 15, 100 * (0.1 - 1 / 15), 10.0, 20.0], [110 / 63, 220 / 63, 10 - 110 / 21, 10.0]])
    )
    for frame in (out, x):
        for _, row in frame.iterrows():
            assert_components_add_up(row[["national", "industry_mix", "regional", "actual"]].to_dict())


def test_components_by_start_year_with_a_suppressed_sector_and_bad_years():
    from ccresearch.analysis.methods import shift_share_by_start_year

    jobs = synthetic_sections_table()
    b = shift_share_by_start_year(jobs, "R3", [2000, 2001], 2002, sector="B")
    assert np.isnan(b.loc[1, "actual"]) and b.loc[1, "sections_in_rest"] == "B"
    assert b.loc[0, "actual"] == pytest.approx(2.0) and b.loc[0, "sections_in_rest"] == ""
    assert b["sections_suppressed"].tolist() == ["", "B"]
    whole = shift_share_by_start_year(jobs, "R3", [2000, 2001], 2002)
    assert whole["actual"].tolist() == pytest.approx([3.0, 1.0])
    with pytest.raises(ParameterError, match="before the end year"):
        shift_share_by_start_year(jobs, "R3", [2000, 2002], 2002)
    with pytest.raises(ParameterError, match="not in the shift-share table"):
        shift_share_by_start_year(jobs, "R3", [2000], 2002, sector="Z")


@pytest.fixture(scope="module")
def full_jobs() -> pd.DataFrame:
    from cbs_full_jobs import full_jobs as load

    frame = load()
    if frame is None:
        pytest.skip("the full CBS table 83582NED is not in the shared folder")
    return frame


def test_real_full_table_cr39_uses_the_sections_and_adds_up(full_jobs):
    res = shift_share(full_jobs, "CR39", 2014, 2024)
    sectors = list(res.by_sector.index)
    assert all(len(s) == 1 for s in sectors[:-1]) and sectors[-1] == "rest"
    # B, D and E are blank in some region in every year: they are in rest for every region
    assert res.left_out == ["B", "D", "E"] and res.sections_in_rest == ["B", "D", "E"]
    assert set(res.suppressed) == {"C", "F", "J", "L", "O", "P", "R", "S"}
    assert res.totals["actual"] == pytest.approx(268_100 - 250_000)
    assert res.summary("N")["actual"] == pytest.approx(29_700 - 27_200)
    assert res.by_sector["jobs_start"].sum() == pytest.approx(250_000)
    for sector in res.by_sector.index:
        assert_components_add_up(res.summary(sector))
    assert_components_add_up(res.totals)
    # N's components do not depend on how the other sectors are split: same as in the two-row table
    two_rows = full_jobs[full_jobs["sector"].isin(["total", "N"])]
    assert shift_share(two_rows, "CR39", 2014, 2024).summary("N") == pytest.approx(res.summary("N"))
    for sector in ("C", "N", "O", "rest"):
        allr = shift_share_all(full_jobs, 2014, 2024, sector=sector)
        assert allr["regional"].sum() == pytest.approx(0.0, abs=1e-6)


def test_real_full_table_components_by_start_year_add_up(full_jobs):
    from ccresearch.analysis.methods import shift_share_by_start_year

    out = shift_share_by_start_year(full_jobs, "CR39", range(2010, 2024), 2024)
    assert list(out["start_year"]) == list(range(2010, 2024))
    assert (out["jobs_end"] == 268_100).all()
    assert (out["sections_in_rest"] == "B, D, E").all()
    assert out.loc[out["start_year"] == 2014, "sections_suppressed"].item() == "C, F, J, L, O, P, R, S"
    assert out.loc[out["start_year"] == 2014, "actual"].item() == pytest.approx(18_100)
    n = shift_share_by_start_year(full_jobs, "CR39", range(2010, 2024), 2024, sector="N")
    assert n.loc[n["start_year"] == 2019, "actual"].item() == pytest.approx(29_700 - 34_500)
    for frame in (out, n):
        assert frame[["national", "industry_mix", "regional", "actual"]].notna().all().all()
        for _, row in frame.iterrows():
            assert_components_add_up(row[["national", "industry_mix", "regional", "actual"]].to_dict())
