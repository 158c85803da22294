"""Acceptance likelihood: the chance that an invited expert says yes.

Two pure estimators over history passed in as arrays (the lifecycle keeps
every proposal, invitation and answer for this):

* `smoothed_rates`: per-expert acceptance rate shrunk towards the global rate
  (a Beta prior), for experts with little or no history;
* `AcceptanceModel`: an L2-regularised logistic regression (Newton / IRLS)
  on the pair's score components at the time of the invitation plus the
  expert's smoothed rate, so that e.g. distance or a full calendar lowers
  the predicted chance.  The engine uses it, when given, as the
  'acceptance' component.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FEATURES = ("text", "industry", "discipline", "title", "distance",
            "rating", "capacity", "prior_logit")

DEFAULT_PRIOR_RATE = 0.5


def smoothed_rates(expert_ids: np.ndarray, accepted: np.ndarray,
                   prior_rate: float | None = None, prior_strength: float = 4.0
                   ) -> dict[int, float]:
    """Per expert: (accepted + s * p0) / (answered + s * 1), p0 the global rate."""
    expert_ids = np.asarray(expert_ids)
    accepted = np.asarray(accepted, dtype=np.float64)
    if len(expert_ids) == 0:
        return {}
    p0 = float(accepted.mean()) if prior_rate is None else float(prior_rate)
    uniq, inv = np.unique(expert_ids, return_inverse=True)
    acc = np.bincount(inv, weights=accepted, minlength=len(uniq))
    n = np.bincount(inv, minlength=len(uniq))
    rate = (acc + prior_strength * p0) / (n + prior_strength)
    return {int(e): float(r) for e, r in zip(uniq, rate)}


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


@dataclass
class AcceptanceModel:
    """P(accept) = sigmoid(intercept + coef . features); features as in FEATURES."""
    intercept: float = 0.0
    coef: dict[str, float] = field(default_factory=dict)
    n_samples: int = 0

    @classmethod
    def fit(cls, features: dict[str, np.ndarray], accepted: np.ndarray,
            l2: float = 1.0, iterations: int = 25) -> "AcceptanceModel":
        y = np.asarray(accepted, dtype=np.float64)
        names = [f for f in FEATURES if f in features]
        X = np.column_stack([np.ones(len(y))] + [np.asarray(features[f], dtype=np.float64) for f in names])
        beta = np.zeros(X.shape[1])
        reg = np.full(X.shape[1], l2)
        reg[0] = 0.0                                     # no penalty on the intercept
        for _ in range(iterations):
            p = sigmoid(X @ beta)
            w = p * (1 - p) + 1e-9
            grad = X.T @ (y - p) - reg * beta
            hess = (X * w[:, None]).T @ X + np.diag(reg)
            step = np.linalg.solve(hess, grad)
            beta += step
            if np.max(np.abs(step)) < 1e-8:
                break
        return cls(float(beta[0]), {f: float(b) for f, b in zip(names, beta[1:])}, len(y))

    def predict(self, features: dict[str, np.ndarray]) -> np.ndarray:
        z = None
        for name, b in self.coef.items():
            v = features.get(name)
            if v is None:
                continue
            z = b * np.asarray(v, dtype=np.float64) if z is None else z + b * np.asarray(v, dtype=np.float64)
        n = len(next(iter(features.values()))) if features else 0
        z = (np.zeros(n) if z is None else z) + self.intercept
        return sigmoid(z).astype(np.float32)

    def to_dict(self) -> dict:
        return {"intercept": self.intercept, "coef": dict(self.coef), "n_samples": self.n_samples}

    @classmethod
    def from_dict(cls, data: dict) -> "AcceptanceModel":
        return cls(float(data["intercept"]), {k: float(v) for k, v in data["coef"].items()},
                   int(data.get("n_samples", 0)))
