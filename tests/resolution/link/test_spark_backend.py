"""The Spark backend (local mode) resolves like the DuckDB backend.

One Spark session serves the whole module (start-up takes seconds) and is stopped at its end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="the Spark backend needs the optional 'spark' extra (pyspark)")

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402
from splink.internals.dialects import SplinkDialect  # noqa: E402

from resolution.demo import DemoWorld, generate_world  # noqa: E402
from resolution.errors import LinkageError  # noqa: E402
from resolution.evaluate import evaluate_run, read_assignments, score  # noqa: E402
from resolution.link import backends  # noqa: E402
from resolution.link.company import TokenwiseCloseLevel  # noqa: E402
from resolution.link.engine import link_entity_type  # noqa: E402
from resolution.link.features import features  # noqa: E402
from resolution.models import Record  # noqa: E402
from resolution.pairs_file import read_pairs  # noqa: E402
from resolution.pipeline import RunSummary, resolve  # noqa: E402
from resolution.settings import ResolutionSettings  # noqa: E402

pytestmark = pytest.mark.spark

# The engines agree exactly on blocking, comparison levels, the prior and the m probabilities.
# Some u probabilities can differ: Splink samples u in chunks of pairs chosen by the engine's own
# hash function and stops once every level has 100 observations, so frequent levels (country)
# are counted on different pairs. That moves some match weights by a fraction of a bit, which
# could flip a pair near the merge threshold: the clusters must agree on 98% of co-clustered pairs.
CLUSTER_AGREEMENT = 0.98
SCORE_TOLERANCE = 0.02


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    session = backends.spark_session("2GB")
    yield session
    backends.stop_spark_session()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate_world(tmp_path_factory.mktemp("spark-world"), size=40, seed=11)


def _run(world: DemoWorld, out: Path, backend: str) -> tuple[Path, RunSummary]:
    return out, resolve(world.inputs, out, ResolutionSettings(backend=backend, duckdb_memory_limit="2GB"))


@pytest.fixture(scope="module")
def duckdb_run(world: DemoWorld, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunSummary]:
    return _run(world, tmp_path_factory.mktemp("run-duckdb"), "duckdb")


@pytest.fixture(scope="module")
def spark_run(world: DemoWorld, spark: object, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunSummary]:
    return _run(world, tmp_path_factory.mktemp("run-spark"), "spark")


def _scored_pairs(run_dir: Path) -> set[tuple[str, str]]:
    return {(p["record_l"], p["record_r"]) for p in read_pairs(run_dir)}


def test_spark_run_writes_spark_models(spark_run: tuple[Path, RunSummary]) -> None:
    run_dir, summary = spark_run
    assert summary.entities and summary.merged_pairs > 0
    for entity_type in ("company", "person", "vessel"):
        model = json.loads((run_dir / f"model_{entity_type}.json").read_text())
        assert model["sql_dialect"] == "spark"
    assert not (run_dir / ".spark-checkpoints").exists(), "scratch Parquet files are removed"


def test_spark_scores_the_same_pairs_as_duckdb(
    duckdb_run: tuple[Path, RunSummary], spark_run: tuple[Path, RunSummary]
) -> None:
    """Blocking (prefix, exploded alias keys, identifiers) is engine-independent; which blocked pairs
    reach the review threshold can differ only through the u probabilities (see above)."""
    duck, spark = _scored_pairs(duckdb_run[0]), _scored_pairs(spark_run[0])
    assert len(duck & spark) >= CLUSTER_AGREEMENT * len(duck | spark)
    assert spark_run[1].merged_pairs == pytest.approx(duckdb_run[1].merged_pairs, rel=0.02)


def test_spark_clusters_match_duckdb_clusters(
    duckdb_run: tuple[Path, RunSummary], spark_run: tuple[Path, RunSummary]
) -> None:
    duck = read_assignments(duckdb_run[0] / "clusters.csv", "entity_id")
    spark = read_assignments(spark_run[0] / "clusters.csv", "entity_id")
    assert set(spark) == set(duck)
    agreement = score(spark, duck)
    assert agreement.pairwise_precision >= CLUSTER_AGREEMENT
    assert agreement.pairwise_recall >= CLUSTER_AGREEMENT


def test_spark_accuracy_matches_duckdb(
    world: DemoWorld, duckdb_run: tuple[Path, RunSummary], spark_run: tuple[Path, RunSummary]
) -> None:
    duck = evaluate_run(duckdb_run[0], world.truth_records)
    spark = evaluate_run(spark_run[0], world.truth_records)
    for kind, expected in duck.items():
        assert abs(spark[kind].pairwise_precision - expected.pairwise_precision) <= SCORE_TOLERANCE, kind
        assert abs(spark[kind].pairwise_recall - expected.pairwise_recall) <= SCORE_TOLERANCE, kind
    assert spark["all"].pairwise_precision >= 0.98


def test_tokenwise_name_level_agrees_across_dialects(spark: object) -> None:
    """The company model's one hand-written level has DuckDB and Spark SQL: same verdicts."""
    left = [["dandong", "guangmei", "shipping"]] * 3 + [["ab"], None, []]
    right = [["dandong", "guangmei", "shiping"], ["dandong", "guangmei", "technology"],
             ["dandong", "guangmei"], ["ab"], ["ab"], []]
    table = pa.table({"name_tokens_l": pa.array(left, pa.list_(pa.string())),
                      "name_tokens_r": pa.array(right, pa.list_(pa.string())),
                      "n": list(range(len(left)))})
    level = TokenwiseCloseLevel(0.88)
    con = duckdb.connect()
    con.register("pairs", table)
    duck = con.sql(f"SELECT coalesce({level.create_sql(SplinkDialect.from_string('duckdb'))}, false) "
                   "FROM pairs ORDER BY n").fetchall()
    spark.createDataFrame(table).createOrReplaceTempView("tokenwise_pairs")
    on_spark = spark.sql(f"SELECT coalesce({level.create_sql(SplinkDialect.from_string('spark'))}, false) AS v "
                         "FROM tokenwise_pairs ORDER BY n").collect()
    verdicts = [row[0] for row in duck]
    assert verdicts == [row[0] for row in on_spark]
    assert verdicts == [True, False, False, True, False, False]


def test_duckdb_model_on_spark_is_a_clear_error(duckdb_run: tuple[Path, RunSummary], tmp_path: Path) -> None:
    rows = [features(Record(source="s", record_id=str(i), entity_type="vessel", name=name))
            for i, name in enumerate(["PAEK MA", "PAEK MA", "JI SONG 6"])]
    with pytest.raises(LinkageError, match="trained on duckdb: resolve with --backend duckdb"):
        link_entity_type("vessel", rows, out_dir=tmp_path, seed=1, merge_threshold=0.7, review_threshold=0.3,
                         model_path=duckdb_run[0] / "model_vessel.json", backend="spark")


@pytest.mark.parametrize(("duckdb_size", "jvm_size"), [
    ("4GB", "4g"), ("512MB", "512m"), ("2GiB", "2g"), ("1.5GB", "1536m"), ("lots", None),
])
def test_memory_limit_becomes_driver_heap(duckdb_size: str, jvm_size: str | None) -> None:
    assert backends.spark_memory(duckdb_size) == jvm_size


def test_unknown_backend_is_refused(tmp_path: Path) -> None:
    rows = [features(Record(source="s", record_id=str(i), entity_type="vessel", name="PAEK MA")) for i in range(2)]
    with pytest.raises(LinkageError, match="unknown linking backend 'flink'"):
        link_entity_type("vessel", rows, out_dir=tmp_path, seed=1, merge_threshold=0.7, review_threshold=0.3,
                         backend="flink")
