from benchmarks.missed_pairs import missed_pairs
from resolution.evaluate import evaluate_run


def test_missed_pairs_add_up_to_the_recall_evaluate_reports(small_run, small_world) -> None:
    run_dir, _ = small_run
    scores = evaluate_run(run_dir, small_world.truth_records)
    counted = missed_pairs(run_dir, small_world.folder)
    assert set(counted) == {"company", "person", "vessel"}
    for entity_type, (true_pairs, kinds) in counted.items():
        assert true_pairs > 0
        assert round(1 - sum(kinds.values()) / true_pairs, 4) == scores[entity_type].pairwise_recall
    # the small world misses some pairs, and every kind names both sides and the names
    assert any(counted[t][1] for t in counted)
    assert all(len(kind) == 3 and kind[2] in {"same name", "other name"}
               for _, kinds in counted.values() for kind in kinds)
