"""The OFAC screening benchmark's counting, on the small real-format OFAC fixture: every alias of
an entry the reader keeps is screened once and counted once per group, and the outcomes nest."""

from pathlib import Path

from benchmarks.ofac_alias_benchmark import LIST_A, LIST_B, build_lists, run_ours
from benchmarks.ofac_screening_benchmark import screen_aliases
from resolution.evaluate import read_assignments
from resolution.screening import Screener
from resolution.settings import ResolutionSettings

FIXTURE = Path(__file__).parents[1] / "resolution" / "sources" / "fixtures" / "ofac_csv"


def test_each_alias_is_screened_and_counted_once_per_group(tmp_path: Path) -> None:
    rows, _truth, kinds = build_lists(FIXTURE, alias_country=True)
    entries = {r["record_id"]: r for r in rows if r["source"] == LIST_A}
    aliases = [{**r, "alt_type": kinds[f"{LIST_B}:{r['record_id']}"]} for r in rows if r["source"] == LIST_B]
    run, _seconds = run_ours(list(entries.values()), tmp_path / "list", ResolutionSettings())
    entity_of = read_assignments(run / "clusters.csv", "entity_id")

    counts, latencies, _missed = screen_aliases(Screener(run), aliases, entries, entity_of,
                                                with_country=False, limit=5)

    # the fixture's aliases of the entries kept (its aircraft and an orphan alias are not)
    assert len(aliases) == 9
    assert len(latencies) == counts["all"]["aliases"] == 9
    types = {"company", "person", "vessel"}
    assert sum(counts[t]["aliases"] for t in types) == 9
    assert sum(c["aliases"] for group, c in counts.items() if group not in types | {"all"}) == 9  # the kinds
    for c in counts.values():
        assert c["first_alert"] <= c["first"] <= c["found"] <= c["candidates"] <= c["aliases"]
        assert c["first_alert"] + c["false_alert"] <= c["candidates"]
    # GHASEMI, Rostam ~ QASEMI, Rostam: a word in common and a near spelling, the only person
    assert counts["person"]["found"] >= 1
