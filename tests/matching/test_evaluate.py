"""The evaluation command on the labelled set (tests/data/matching_eval.json)."""
import json

from django.core.management import call_command

from matching import evaluation


def test_labelled_set_is_consistent():
    experts, demands, labels = evaluation.load()
    assert len(demands) >= 30
    ids = {e.id for e in experts}
    assert all(set(lab) <= ids and lab and max(lab.values()) == 2 for lab in labels.values())


def test_metrics_and_no_labelled_expert_excluded_by_rules():
    result = evaluation.evaluate()
    assert result["labelled_but_excluded_by_rules"] == []
    # regression floors, well under the figures in docs/matching.md
    assert result["ndcg@10"] >= 0.85 and result["recall@10"] >= 0.85
    assert result["precision@5"] >= 0.8 * result["precision@5_ceiling"]


def test_command_prints_the_three_metrics(capsys):
    call_command("evaluate_matching", "--json")
    out = json.loads(capsys.readouterr().out)
    assert {"precision@5", "recall@10", "ndcg@10"} <= set(out)
