"""Acceptance likelihood learnt from answers, and its use in ranking."""
import numpy as np
import pytest

from matching.engine import AcceptanceModel, ExpertIndex, smoothed_rates

from .conftest import make_demand, make_expert


def test_smoothed_rates_shrink_towards_global_rate():
    ids = np.array([1, 1, 1, 1, 2, 3, 3])
    acc = np.array([1, 1, 1, 1, 0, 0, 0])
    rates = smoothed_rates(ids, acc, prior_strength=4.0)
    p0 = 4 / 7
    assert rates[1] == pytest.approx((4 + 4 * p0) / 8)
    assert rates[2] == pytest.approx((0 + 4 * p0) / 5)
    assert rates[1] > rates[2] > rates[3]
    assert smoothed_rates(np.array([]), np.array([])) == {}


def test_logistic_model_learns_distance_effect():
    rng = np.random.default_rng(0)
    n = 3000
    distance = rng.uniform(0, 1, n)          # distance score: 1 = near
    text = rng.uniform(0, 1, n)
    p = 1 / (1 + np.exp(-(-2 + 3 * distance + 1 * text)))
    y = rng.uniform(0, 1, n) < p
    model = AcceptanceModel.fit({"distance": distance, "text": text}, y, l2=0.1)
    assert model.coef["distance"] == pytest.approx(3, abs=0.5)
    assert model.coef["text"] == pytest.approx(1, abs=0.5)
    assert model.intercept == pytest.approx(-2, abs=0.5)
    pred = model.predict({"distance": np.array([0.0, 1.0]), "text": np.array([0.5, 0.5])})
    assert pred[1] > pred[0]
    assert AcceptanceModel.from_dict(model.to_dict()) == model


def test_acceptance_prior_and_model_change_ranking(tax):
    experts = [make_expert(1, acceptance_prior=0.1), make_expert(2, acceptance_prior=0.9)]
    only_acc = {"text": 0, "industry": 0, "discipline": 0, "title": 0, "distance": 0, "rating": 0,
                "capacity": 0, "acceptance": 1}
    idx = ExpertIndex.build(experts, tax, weights=only_acc)
    res = idx.top_k(make_demand(), k=2)
    assert [m.expert_id for m in res] == [2, 1]
    assert res[0].components["acceptance"] == pytest.approx(0.9)
    # with a model, the component is the model's prediction from the pair's features
    model = AcceptanceModel(intercept=0.0, coef={"prior_logit": 1.0})
    idx = ExpertIndex.build(experts, tax, weights=only_acc, acceptance_model=model)
    assert [m.expert_id for m in idx.top_k(make_demand(), k=2)] == [2, 1]
    assert idx.top_k(make_demand(), k=1)[0].components["acceptance"] == pytest.approx(0.9, abs=1e-3)
    flipped = AcceptanceModel(intercept=0.0, coef={"prior_logit": -1.0})
    idx = ExpertIndex.build(experts, tax, weights=only_acc, acceptance_model=flipped)
    assert [m.expert_id for m in idx.top_k(make_demand(), k=2)] == [1, 2]
