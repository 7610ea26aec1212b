"""Words of the regional job-growth report (notebook 03): executive summary, method texts, tables."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ccresearch.analysis.regional import TOTAL_SECTOR, RegionalAnalysis, later_claims, target_region


def _jobs_label(sector: str) -> str:
    return "jobs (all sectors)" if sector == TOTAL_SECTOR else f"section-{sector} jobs"


def jobs_table(analysis: RegionalAnalysis, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Jobs of the sector in the region and the Netherlands (sum of regions) in key years, and the share."""
    a = analysis
    years = sorted(set(years or [a.start_year, a.base_year, a.treatment_year, a.end_year]))
    out = pd.DataFrame(
        {
            a.region: a.jobs.loc[years, a.region],
            "NL": a.netherlands.loc[years],
        }
    )
    out["share of NL"] = out[a.region] / out["NL"]
    out.index.name = "year"
    return out


def target_text(check: pd.DataFrame, analysis: RegionalAnalysis, name: str, facts: pd.DataFrame) -> str:
    """Markdown: what the regional data can and cannot say about each stated target (computed numbers)."""
    from ccresearch.report.plots import fmt_int, fmt_pct

    a = analysis
    where = target_region(facts)
    if check.empty:
        if where and where != a.region:
            return (
                f"The stated targets concern {where}, not {name} ({a.region}); there is nothing to set against "
                f"the data of {name}. Run this notebook with `region={where}` for that comparison."
            )
        return "No stated jobs baseline and target with years inside the data were found for this region."
    lines = []
    for _, row in check.iterrows():
        lines.append(
            f"- Target `{row['value_text']}` ({row['source_id']}): from {fmt_int(row['baseline_jobs'])} jobs "
            f"in {row['baseline_year']} to {fmt_int(row['target_jobs'])} by {row['target_year']}, "
            f"{fmt_int(row['promised_change'], sign=True)} jobs, which is "
            f"{fmt_pct(row['promised_share'], 1)} of the {fmt_int(row['sector_jobs_baseline'])} "
            f"{_jobs_label(a.sector)} in {name} in {row['baseline_year']}. These changed by "
            f"{fmt_int(row['observed_change'], sign=True)} over the same years; the synthetic-control gap in "
            f"{row['target_year']} is {fmt_int(row['synth_gap_jobs'], sign=True)} jobs, while placebo regions "
            f"show gaps up to {fmt_int(row['placebo_gap_jobs_p90'])} jobs (90th percentile, scaled to "
            f"{name}'s size)."
        )
    for _, claim in later_claims(a, facts).iterrows():
        bounds = ""
        if "low" in claim and "high" in claim and np.isfinite(claim["low"]) and np.isfinite(claim["high"]):
            bounds = f", read as {fmt_int(claim['low'])}-{fmt_int(claim['high'])}"
        lines.append(
            f"- Later figure `{claim['value_text']}` ({claim['source_id']}, {int(claim['year'])}{bounds}): a "
            f"claim about contact-centre jobs, not a count CBS publishes; {_jobs_label(a.sector)} in {name} "
            f"that year: {fmt_int(claim['sector_jobs'])}."
        )
    smallest = check["placebo_gap_jobs_p90"].min()
    promised = check["promised_change"].max()
    if smallest > promised:
        lines.append(
            f"- An effect of {fmt_int(promised)} jobs is smaller than the gaps that placebo regions show without "
            f"any such programme ({fmt_int(smallest)} jobs, 90th percentile): these data can neither confirm "
            "nor refute the target."
        )
    return "\n".join(lines)


def executive_summary(
    analysis: RegionalAnalysis, name: str, language: str = "en", targets: pd.DataFrame | None = None
) -> str:
    """Markdown bullet points with the computed headline numbers of ``analysis`` (English text).

    ``language`` sets the number format; ``targets`` (from :func:`target_check`) adds a line on them.
    """
    from ccresearch.report.plots import fmt_int, fmt_num, fmt_pct

    a = analysis
    lang = language
    sector_text = {
        "N": "section N (77-82, a broad proxy for call centres)",
        TOTAL_SECTOR: "all jobs (sections A-U)",
    }.get(a.sector, f"sector {a.sector}")

    j0, j1 = float(a.jobs.loc[a.base_year, a.region]), float(a.jobs.loc[a.end_year, a.region])
    n0, n1 = float(a.netherlands.loc[a.base_year]), float(a.netherlands.loc[a.end_year])
    ss = a.summary()["shift_share"]
    did, es = a.did, a.event_study
    unit = "log points" if a.log else "index points"
    lines = [
        f"- **Jobs**: {sector_text} in {name} ({a.region}) went from {fmt_int(j0, lang)} jobs in {a.base_year} "
        f"to {fmt_int(j1, lang)} in {a.end_year} ({fmt_pct(j1 / j0 - 1, 1, lang, sign=True)}); in the "
        f"Netherlands {fmt_pct(n1 / n0 - 1, 1, lang, sign=True)}.",
        f"- **Shift-share** {a.base_year}-{a.end_year}: of the change of {fmt_int(ss['actual'], lang, sign=True)} "
        f"jobs, {fmt_int(ss['national'], lang, sign=True)} follow national growth, "
        f"{fmt_int(ss['industry_mix'], lang, sign=True)} the sector mix and "
        f"{fmt_int(ss['regional'], lang, sign=True)} are regional (the region's own performance).",
        f"- **Difference-in-differences** ({a.start_year}-{a.end_year}, {len(a.donors)} comparison regions): "
        f"{fmt_num(did.estimate, 3 if a.log else 1, lang, sign=True)} {unit} after {a.treatment_year}; "
        f"clustered p = {fmt_num(did.p_value, 3, lang)}, but with one treated region the placebo p = "
        f"{fmt_num(did.placebo_p_value, 2, lang)} is the one to read. Pre-trend test: clustered p = "
        f"{fmt_num(es.pretrend_p_value, 3, lang)}, placebo p = {fmt_num(es.pretrend_placebo_p_value, 2, lang)}.",
    ]
    if a.synth is not None:
        s = a.summary()["synth"]
        post = a.synth.path.loc[a.synth.path.index >= a.treatment_year, "gap"]
        top = a.synth.weights[a.synth.weights > 0.05].sort_values(ascending=False)
        donors = ", ".join(f"{k} {fmt_num(v, 2, lang)}" for k, v in top.items())
        lines.append(
            f"- **Synthetic control**: mean gap after {a.treatment_year} "
            f"{fmt_num(post.mean(), 1, lang, sign=True)} {'index points' if a.outcome == 'index' else 'jobs'}; "
            f"placebo p = {fmt_num(s['p_value'], 2, lang)} ({s['n_units']} regions); main donors {donors}. "
            f"{s['n_exact_pre_fits']} of {s['n_units']} regions are matched before {a.treatment_year} to within "
            "CBS rounding"
            + (f", {name} among them," if s["exact_pre_fit"] else "")
            + " so the pre-period fit says little."
        )
    verdict = (
        "The data do not single out the region: its path after the treatment year is within the range of "
        "comparison regions."
        if (did.placebo_p_value or 1) > 0.1 and (a.synth is None or a.summary()["synth"]["p_value"] > 0.1)
        else "The region stands out among comparison regions on at least one placebo test; whether the "
        "programme caused it cannot be told from sector-level data."
    )
    if targets is not None and not targets.empty:
        t = targets.sort_values("target_year").iloc[-1]
        lines.append(
            f"- **Target** {fmt_int(t['baseline_jobs'], lang)} -> {fmt_int(t['target_jobs'], lang)} jobs by "
            f"{t['target_year']}: the promised {fmt_int(t['promised_change'], lang, sign=True)} jobs are "
            f"{fmt_pct(t['promised_share'], 1, lang)} of {_jobs_label(a.sector)} in the region; placebo regions "
            f"differ from their synthetic controls by up to {fmt_int(t['placebo_gap_jobs_p90'], lang)} jobs "
            "(90th percentile), so an effect of that size cannot be seen in these data."
            if t["placebo_gap_jobs_p90"] > t["promised_change"]
            else f"- **Target** {fmt_int(t['baseline_jobs'], lang)} -> {fmt_int(t['target_jobs'], lang)} jobs by "
            f"{t['target_year']}: see the target section for what the data show."
        )
    lines.append(f"- **Reading**: {verdict}")
    return "\n".join(lines)


def did_table(analysis: RegionalAnalysis) -> pd.DataFrame:
    """DiD estimate with clustered and placebo inference, and both pre-trend tests, as one small table."""
    d, e = analysis.did, analysis.event_study
    rows = {
        "estimate": d.estimate,
        "clustered SE": d.se,
        "clustered p-value": d.p_value,
        "placebo p-value": d.placebo_p_value,
        "pre-trend F (clustered)": e.pretrend_f,
        "pre-trend p-value (clustered)": e.pretrend_p_value,
        "pre-trend p-value (placebo)": e.pretrend_placebo_p_value,
    }
    return pd.DataFrame({"value": pd.Series(rows, dtype=float)})


def weights_table(analysis: RegionalAnalysis, threshold: float = 0.01) -> pd.DataFrame:
    """Synthetic-control donor weights above ``threshold``, largest first, with region names."""
    from ccresearch.sources.regions import region_name

    w = analysis.synth.weights
    w = w[w > threshold].sort_values(ascending=False)
    names = []
    for code in w.index:
        try:
            names.append(region_name(code))
        except KeyError:
            names.append(code)
    return pd.DataFrame({"region": names, "weight": w.to_numpy()}, index=pd.Index(w.index, name="code"))


def synth_text(analysis: RegionalAnalysis, name: str) -> str:
    """Markdown: the synthetic-control fit and placebo inference in numbers."""
    from ccresearch.report.plots import fmt_num

    a = analysis
    s = a.summary()["synth"]
    post = a.synth.path.loc[a.synth.path.index >= a.treatment_year, "gap"]
    unit = "index points" if a.outcome == "index" else "jobs"
    return "\n".join(
        [
            f"- Pre-treatment fit (RMSPE): {fmt_num(s['pre_rmspe'], 3)} {unit}; CBS rounding alone gives "
            f"about {fmt_num(s['pre_rmspe_floor'], 3)} {unit}. {s['n_exact_pre_fits']} of {s['n_units']} "
            f"regions are matched before {a.treatment_year} to within that rounding.",
            f"- After {a.treatment_year}: mean gap {fmt_num(post.mean(), 2, sign=True)} {unit}, post-RMSPE "
            f"{fmt_num(s['post_rmspe'], 2)}; post/pre ratio (pre-RMSPE at least the rounding error) "
            f"{fmt_num(s['post_pre_ratio'], 1)}.",
            f"- Placebo p-value: {fmt_num(s['p_value'], 3)}: the share of the {s['n_units']} regions whose "
            f"post/pre ratio is at least {name}'s, counting a region matched to within the rounding as matched "
            f"exactly (infinite ratio); the smallest possible is {fmt_num(1 / s['n_units'], 3)}."
            + (
                f" {name} itself is matched that closely, so the p-value is the share of such regions: the "
                "test cannot single it out."
                if s["exact_pre_fit"]
                else ""
            )
            + (
                f" Dividing by the rounding error instead gives {fmt_num(s['p_value_floored'], 3)}; that ranks the "
                f"closely matched regions by their gap after {a.treatment_year}, which depends on which of many "
                "equally close weightings the optimiser returns, so it is not the headline figure."
                if abs(s["p_value_floored"] - s["p_value"]) > 1e-9
                else ""
            ),
        ]
    )


def sources_text(facts: pd.DataFrame, sources: pd.DataFrame) -> str:
    """Markdown list of the data sources and of the sources of the facts used."""
    lines = [
        "- CBS StatLine, table 83582NED, *Banen van werknemers in december; economische activiteit (SBI2008), "
        "regio* (CC BY 4.0). Bron: CBS.",
        "- CBS StatLine, table 83583NED, *Banen van werknemers; bedrijfsgrootte, SBI2008* (national, for the "
        "share of employment agencies in section N).",
    ]
    used = sources[sources["source_id"].isin(set(facts["source_id"]))]
    for _, s in used.sort_values("source_id").iterrows():
        parts = [str(s[c]) for c in ("publisher", "title", "date") if isinstance(s[c], str) and s[c].strip()]
        address = s["address"] if isinstance(s["address"], str) and s["address"].strip() else ""
        lines.append(f"- `{s['source_id']}`: " + ", ".join(parts) + (f", {address}" if address else ""))
    return "\n".join(lines)
