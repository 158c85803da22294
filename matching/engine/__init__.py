"""The matching engine: pure Python + numpy/scipy/jieba, no Django.

Public API:
    Taxonomy, default_taxonomy                       (taxonomy)
    ExpertRecord, DemandRecord, GraduateRecord       (records)
    ExpertIndex, Match, ENGINE_VERSION               (index)
    GraduateIndex                                    (graduates)
    CandidateGraph, assign_optimal, assign_greedy    (assignment)
    AcceptanceModel, smoothed_rates                  (acceptance)
    precision_at_k, recall_at_k, ndcg_at_k           (metrics)
    DEFAULT_WEIGHTS                                   (scores)
"""
from .acceptance import AcceptanceModel, smoothed_rates
from .assignment import AssignmentResult, CandidateGraph, assign_greedy, assign_optimal
from .graduates import GraduateIndex, GraduateMatch
from .index import ENGINE_VERSION, ExpertIndex, Match
from .metrics import mean_metrics, ndcg_at_k, precision_at_k, recall_at_k
from .modes import ALL_MODES, MODE_BIT, MODE_CODES, mode_codes, mode_mask
from .records import DemandRecord, ExpertRecord, GraduateRecord
from .scores import COMPONENTS, DEFAULT_WEIGHTS
from .taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "AcceptanceModel", "smoothed_rates", "AssignmentResult", "CandidateGraph", "assign_greedy",
    "assign_optimal", "ENGINE_VERSION", "ExpertIndex", "Match", "GraduateIndex", "GraduateMatch", "mean_metrics", "ndcg_at_k",
    "precision_at_k", "recall_at_k", "ALL_MODES", "MODE_BIT", "MODE_CODES", "mode_codes",
    "mode_mask", "DemandRecord", "ExpertRecord", "GraduateRecord", "COMPONENTS",
    "DEFAULT_WEIGHTS", "Taxonomy", "default_taxonomy",
]
