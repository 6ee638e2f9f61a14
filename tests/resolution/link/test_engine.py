import csv
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolution.evaluate import evaluate_run
from resolution.pairs_file import read_pairs
from resolution.pipeline import RunSummary


def test_small_world_resolves_precisely(small_run: tuple[Path, RunSummary], small_world) -> None:
    run_dir, summary = small_run
    scores = evaluate_run(run_dir, small_world.truth_records)
    # Foundation level: (almost) no wrong merges; recall targets belong to the resolution-engine work.
    assert scores["all"].pairwise_precision >= 0.98
    assert scores["all"].pairwise_recall >= 0.4
    assert scores["all"].bcubed_f1 >= 0.7
    assert scores["vessel"].pairwise_recall >= 0.75
    assert summary.quarantined == small_world.counts["bad_rows"]


def test_run_folder_contents(small_run: tuple[Path, RunSummary]) -> None:
    run_dir, summary = small_run
    with (run_dir / "clusters.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["source", "record_id", "entity_id"]
    assert len(rows) == summary.records
    with (run_dir / "quarantine.csv").open(encoding="utf-8") as handle:
        quarantine = list(csv.DictReader(handle))
    assert len(quarantine) == summary.quarantined and all(q["reason"] for q in quarantine)
    for entity_type in ("company", "person", "vessel"):
        model = json.loads((run_dir / f"model_{entity_type}.json").read_text())
        assert model["comparisons"]
    merged = list(read_pairs(run_dir, merged_only=True))
    assert merged and all(p["weights"] for p in merged)


def test_same_input_same_ids(small_run: tuple[Path, RunSummary], small_world, tmp_path: Path) -> None:
    from resolution.pipeline import resolve
    from resolution.settings import ResolutionSettings

    run_dir, _ = small_run
    resolve(small_world.inputs, tmp_path, ResolutionSettings())
    assert (tmp_path / "clusters.csv").read_bytes() == (run_dir / "clusters.csv").read_bytes()
    assert (tmp_path / "entities.jsonl").read_bytes() == (run_dir / "entities.jsonl").read_bytes()


def test_saved_model_is_reused(small_run: tuple[Path, RunSummary], small_world, tmp_path: Path) -> None:
    from resolution.pipeline import resolve
    from resolution.settings import ResolutionSettings

    run_dir, _ = small_run
    summary = resolve(small_world.inputs, tmp_path, ResolutionSettings(), model_dir=run_dir)
    assert summary.entities
    assert (tmp_path / "clusters.csv").read_bytes() == (run_dir / "clusters.csv").read_bytes()


def test_two_distinct_records_link_without_a_prior_of_one(tmp_path: Path) -> None:
    """Two records are one pair: "one expected match among the pairs" made the prior 1, and
    prediction failed on an infinite weight (an OFAC extract with two people)."""
    from resolution.link.engine import link_entity_type
    from resolution.link.features import features
    from resolution.models import Record

    rows = [features(Record(source="ofac", record_id=str(i), entity_type="person", name=name, date_of_birth=dob))
            for i, (name, dob) in enumerate([("QASEMI, Rostam", "1964-01-01"), ("NISHIGUCHI, Shigeo", "1929")])]
    result = link_entity_type("person", rows, out_dir=tmp_path, seed=1, merge_threshold=0.7, review_threshold=0.3)
    assert len(set(result.clusters.values())) == 2
    assert any("prior set to one expected match" in note for note in result.training_notes)


def test_list_of_distinct_vessels_links_without_a_zero_prior(tmp_path: Path) -> None:
    """A sanctions list names each vessel once: the deterministic rules find no pair, which made
    Splink's prior 0 and prediction fail on log(0) (seen on the real OFAC sample)."""
    from resolution.link.engine import link_entity_type
    from resolution.link.features import features
    from resolution.models import Record
    from resolution.standardise.identifiers import with_imo_check_digit

    names = ["CHON MA SAN", "KUM UN SAN 3", "YU JONG 2", "WAN HENG 11", "SAM JONG 2", "PAEK MA", "JI SONG 6"]
    rows = [features(Record(source="ofac", record_id=str(i), entity_type="vessel", name=name,
                            imo=with_imo_check_digit(f"91{i:04d}"), flag="KP"))
            for i, name in enumerate(names)]
    result = link_entity_type("vessel", rows, out_dir=tmp_path, seed=1, merge_threshold=0.7, review_threshold=0.3)
    assert len(set(result.clusters.values())) == len(names)
    assert any("prior set to one expected match" in note for note in result.training_notes)
    # an EM session that fails (no pair agrees on its blocking rule here) must not leave the model
    # without the comparisons that session set aside
    assert any("EM session skipped, model restored" in note for note in result.training_notes)
    import json

    saved = json.loads((tmp_path / "model_vessel.json").read_text())
    assert {c["output_column_name"] for c in saved["comparisons"]} >= {"imo", "name"}
    assert abs(saved["probability_two_random_records_match"] - 1 / 21) < 1e-9  # 7 records: one match in 21 pairs


def test_distinct_rows_drop_a_row_that_only_lacks_what_a_fuller_row_has() -> None:
    """Term frequencies count people, not mentions: ``Wu Minghua`` without a birth year beside
    ``Wu Minghua, 1990`` is not a second person; two birth years are two people."""
    from resolution.link.engine import arrow_table, distinct_rows
    from resolution.link.person import spec

    rows = [
        {"unique_id": "a", "name_compact": "wuminghua", "birth_year": "1990"},
        {"unique_id": "b", "name_compact": "wuminghua", "birth_year": None},
        {"unique_id": "c", "name_compact": "wuminghua", "birth_year": "1990"},
        {"unique_id": "d", "name_compact": "wuminghua", "birth_year": "1971"},
        {"unique_id": "e", "name_compact": "zhaoping", "birth_year": None},
        {"unique_id": "f", "name_compact": "zhaoping", "birth_year": None},
        {"unique_id": "g", "name_compact": None, "birth_year": None},
        {"unique_id": "h", "name_compact": None, "birth_year": None},
    ]
    distinct = distinct_rows(spec(), arrow_table(spec(), rows))
    assert distinct.column("unique_id").to_pylist() == ["a", "d", "e", "g", "h"]
    assert distinct.schema == arrow_table(spec(), rows).schema  # whole rows, every column kept


def _distinct_positions(keys: list[tuple]) -> list[int]:
    """The rule of ``distinct_rows``, a row at a time: the first row of each key; a key lacking
    some parts only when no full key agrees with its other parts; every row lacking all parts."""
    covered = {blanked for full in keys if None not in full
               for blanked in itertools.product(*((part, None) for part in full))}
    seen: set[tuple] = set()
    kept = []
    for position, key in enumerate(keys):
        if all(part is None for part in key):
            kept.append(position)
        elif key not in seen and (None not in key or key not in covered):
            seen.add(key)
            kept.append(position)
    return kept


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(*[st.sampled_from([None, "a", "b"])] * 3), max_size=25))
def test_distinct_rows_keep_the_first_row_of_each_key_unless_a_fuller_row_covers_it(keys: list[tuple]) -> None:
    from resolution.link.company import spec
    from resolution.link.engine import arrow_table, distinct_rows

    assert spec().distinct_columns == ("name_compact", "country", "address_std")
    rows = [{"unique_id": str(i), "name_compact": a, "country": b, "address_std": c}
            for i, (a, b, c) in enumerate(keys)]
    kept = distinct_rows(spec(), arrow_table(spec(), rows)).column("unique_id").to_pylist()
    assert kept == [str(i) for i in _distinct_positions(keys)]


def test_scored_pairs_leave_the_engine_with_the_evidence_columns_only(tmp_path: Path) -> None:
    """Splink's scored pairs keep every intermediate column (both sides' values, gammas...); only
    the ids, probability, match weight and per-comparison weights are fetched (at a million
    records the rest made the run's peak memory)."""
    from resolution.link.engine import link_entity_type
    from resolution.link.features import features
    from resolution.models import Record
    from resolution.standardise.identifiers import with_imo_check_digit

    rows = [features(Record(source=source, record_id=str(i), entity_type="vessel", name=name,
                            imo=with_imo_check_digit(f"91{i % 4:04d}"), flag="KP"))
            for i, (source, name) in enumerate([("ofac", "CHON MA SAN"), ("ofac", "KUM UN SAN 3"),
                                                ("ofac", "YU JONG 2"), ("ofac", "WAN HENG 11"),
                                                ("un", "CHON MA SAN"), ("un", "KUM UN SAN 3"),
                                                ("un", "YU JONG 2"), ("un", "WAN HENG 11")])]
    result = link_entity_type("vessel", rows, out_dir=tmp_path, seed=1, merge_threshold=0.7, review_threshold=0.3)
    assert result.pairs.num_rows >= 4
    names = result.pairs.column_names
    assert names[:4] == ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    assert {"mw_name", "mw_imo"} <= set(names[4:])
    # and whether each pair was merged (over the threshold and not kept apart)
    assert all(name.startswith("mw_") or name == "merged" for name in names[4:])
    assert result.pairs.column("merged").to_pylist() == [p >= 0.7 for p in result.pairs.column("match_probability").to_pylist()]


def test_arrow_table_from_a_generator_in_chunks(monkeypatch) -> None:
    import resolution.link.engine as engine
    import resolution.link.name_worker as name_worker
    from resolution.link.company import spec

    monkeypatch.setattr(name_worker, "ARROW_CHUNK_ROWS", 2)
    pulled: list[int] = []

    def rows():
        for i in range(5):
            pulled.append(i)
            yield {"unique_id": f"r:{i}", "name_std": f"FIRM {i}", "name_keys": [f"k{i}", "shared"]}

    table = engine.arrow_table(spec(), rows())
    assert pulled == [0, 1, 2, 3, 4]
    assert table.num_rows == 5 and table.column("unique_id").num_chunks == 3
    assert table.column("unique_id").to_pylist() == [f"r:{i}" for i in range(5)]
    assert table.column("name_keys").to_pylist()[4] == ["k4", "shared"]
    assert table.column("country").null_count == 5  # a column the rows lack is null
    assert engine.arrow_table(spec(), iter([])).num_rows == 0


def test_input_of_one_entity_type_resolves(tmp_path: Path) -> None:
    """A registry extract holds firms only: the types without records (or with one) link to
    nothing, and the run still writes its folder (it crashed on the empty pairs' missing columns)."""
    from resolution.pipeline import resolve
    from resolution.settings import ResolutionSettings

    source = tmp_path / "firms.csv"
    rows = [("r1", "Dandong Dingsen Trading Co., Ltd.", "No. 38 Zhenxing Road, Dandong"),
            ("r2", "DANDONG DINGSEN TRADING CO LTD", "No. 38 Zhenxing Road, Dandong"),
            ("r3", "Hunchun Jinhai Mining Co., Ltd.", "No. 7 Hebei Road, Hunchun"),
            ("r4", "Kim Yong Chol", "")]
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "entity_type", "name", "country", "address"])
        for record_id, name, address in rows:
            writer.writerow(["registry", record_id, "person" if record_id == "r4" else "company", name, "CN", address])
    summary = resolve([source], tmp_path / "run", ResolutionSettings())
    assert summary.records == 4
    assert summary.entities.get("vessel", 0) == 0 and summary.entities["person"] == 1
    with (tmp_path / "run" / "clusters.csv").open(encoding="utf-8") as handle:
        entity_of = {row["record_id"]: row["entity_id"] for row in csv.DictReader(handle)}
    assert entity_of["r1"] == entity_of["r2"] != entity_of["r3"]


def test_untrained_levels_are_named(tmp_path: Path) -> None:
    """Levels no training pair reached predict with Splink's default m or u: the result names
    them (they go to summary.json and the CLI). A term-frequency-adjusted level is not flagged for
    u, which cancels out of its weight."""
    from resolution.link.engine import link_entity_type
    from resolution.link.features import features
    from resolution.models import Record
    from resolution.standardise.identifiers import with_imo_check_digit

    vessels = [features(Record(source="ofac", record_id=str(i), entity_type="vessel", name=name,
                               imo=with_imo_check_digit(f"91{i:04d}"), flag="KP"))
               for i, name in enumerate(["CHON MA SAN", "KUM UN SAN 3", "YU JONG 2", "WAN HENG 11", "PAEK MA"])]
    result = link_entity_type("vessel", vessels, out_dir=tmp_path, seed=1, merge_threshold=0.7, review_threshold=0.3)
    # no record has an MMSI, so no sampled pair reaches either MMSI level; every pair has two IMOs
    assert "mmsi: All other comparisons (u)" in result.untrained
    assert not any(level.startswith("imo: All other comparisons") for level in result.untrained)

    people = [features(Record(source="registry", record_id=str(i), entity_type="person", name=name, nationality="CN"))
              for i, name in enumerate(["Wang Wei", "Li Na", "Zhang Min", "Liu Yang", "Chen Jie", "Yang Fan"])]
    result = link_entity_type("person", people, out_dir=tmp_path, seed=1, merge_threshold=0.7, review_threshold=0.3)
    assert "id_number: All other comparisons (u)" in result.untrained  # no record has an identity number
    # the agreement is term-frequency adjusted: its u cancels out of its weight
    assert not any(level.startswith("id_number: Exact match") for level in result.untrained)
    # all names differ: the exact level's u is unobserved, but its weight is m over the term frequency
    assert not any(level.startswith("name: Exact match on name_compact") for level in result.untrained)


@pytest.mark.parametrize("key_groups", [True, False], ids=["key-groups", "splink"])
def test_duckdb_out_of_memory_is_a_short_error_that_names_the_cap(
    key_groups: bool, small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a cap too small for the records, DuckDB fails in the key groups or inside Splink (whose
    error carries pages of SQL): either way the error names the cap and the setting to raise."""
    import dataclasses

    from resolution.errors import LinkageError
    from resolution.link import engine
    from resolution.link.features import features
    from resolution.models import EntityType
    from resolution.sources import read_inputs

    records = [r for r in read_inputs(small_world.inputs).records if r.entity_type is EntityType.COMPANY]
    if not key_groups:
        spec = engine.SPECS["company"]
        monkeypatch.setitem(engine.SPECS, "company", lambda: dataclasses.replace(spec(), key_groups=()))
    with pytest.raises(LinkageError) as caught:
        engine.link_entity_type("company", [features(r) for r in records], out_dir=tmp_path, seed=1,
                                merge_threshold=0.7, review_threshold=0.3, memory_limit="8MB")
    message = str(caught.value)
    assert "DuckDB ran out of memory at its cap of 8MB (Out of Memory Error" in message
    assert "TRACEGRAPH_DUCKDB_MEMORY_LIMIT" in message
    assert "select" not in message.lower() and len(message) < 400


def test_a_model_whose_every_m_is_fixed_trains_without_em_to_the_same_model(
    small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EM estimates m alone (u and the prior stay): with every m fixed (the person model) its
    session changed nothing and took half a minute at three million records, so it is skipped."""
    from resolution.link import engine
    from resolution.link.features import features
    from resolution.models import EntityType
    from resolution.sources import read_inputs

    records = [r for r in read_inputs(small_world.inputs).records if r.entity_type is EntityType.PERSON]
    rows = [features(r) for r in records]
    sessions: list[object] = []
    run_session = engine._em_session
    monkeypatch.setattr(engine, "_em_session", lambda *args: sessions.append(args[1]) or run_session(*args))

    def model(folder: str) -> dict:
        (tmp_path / folder).mkdir()
        engine.link_entity_type("person", rows, out_dir=tmp_path / folder, seed=1, merge_threshold=0.7,
                                review_threshold=0.3)
        saved = json.loads((tmp_path / folder / "model_person.json").read_text())
        saved.pop("linker_uid")
        return saved

    skipped = model("skipped")
    assert sessions == []
    monkeypatch.setattr(engine, "_every_m_fixed", lambda _linker: False)
    with_em = model("em")
    assert len(sessions) == len(engine.SPECS["person"]().em_blocking_rules) > 0
    assert skipped == with_em
    # a model with an m to learn still runs its sessions (vessel names, company countries)
    monkeypatch.undo()
    sessions.clear()
    monkeypatch.setattr(engine, "_em_session", lambda *args: sessions.append(args[1]) or run_session(*args))
    vessels = [features(r) for r in read_inputs(small_world.inputs).records if r.entity_type is EntityType.VESSEL]
    (tmp_path / "vessel").mkdir()
    engine.link_entity_type("vessel", vessels, out_dir=tmp_path / "vessel", seed=1, merge_threshold=0.7,
                            review_threshold=0.3)
    assert len(sessions) == len(engine.SPECS["vessel"]().em_blocking_rules) > 0
