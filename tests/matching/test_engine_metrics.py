"""Ranking metrics on values computed by hand."""
import math

import pytest

from matching.engine import mean_metrics, ndcg_at_k, precision_at_k, recall_at_k


def test_precision_and_recall():
    ranked = ["a", "x", "b", "y", "c"]
    rel = {"a", "b", "c", "d"}
    assert precision_at_k(ranked, rel, 5) == pytest.approx(3 / 5)
    assert precision_at_k(ranked, rel, 2) == pytest.approx(1 / 2)
    assert recall_at_k(ranked, rel, 5) == pytest.approx(3 / 4)
    assert recall_at_k(ranked, rel, 1) == pytest.approx(1 / 4)
    assert precision_at_k(["a"], rel, 5) == pytest.approx(1 / 5)   # short lists are not rewarded
    assert recall_at_k(ranked, set(), 5) == 0.0
    with pytest.raises(ValueError):
        precision_at_k(ranked, rel, 0)


def test_ndcg_known_value():
    gains = {"a": 2, "b": 1}
    # ranking b, a: DCG = (2^1-1)/log2(2) + (2^2-1)/log2(3) = 1 + 3/1.58496
    dcg = 1 + 3 / math.log2(3)
    idcg = 3 + 1 / math.log2(3)
    assert ndcg_at_k(["b", "a"], gains, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["a", "b"], gains, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], gains, 10) == 0.0
    assert ndcg_at_k(["a"], {}, 10) == 0.0


def test_grades_zero_are_not_relevant():
    assert precision_at_k(["a", "b"], {"a": 0, "b": 1}, 2) == 0.5


def test_mean_metrics():
    out = mean_metrics([(["a", "b"], {"a"}), (["c"], {"d"})], p_k=1, r_k=2, n_k=2)
    assert out["precision@1"] == 0.5 and out["recall@2"] == 0.5 and out["queries"] == 2
