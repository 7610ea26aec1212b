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
