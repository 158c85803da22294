"""Chinese text to weighted terms, and BM25 statistics (pure; jieba, numpy).

Segmentation is jieba's precise mode with a user dictionary built from the
taxonomy names (plus a short domain glossary), so '新能源汽车' and '集成电路'
come out as single terms.  A long term also emits the dictionary words inside
it ('集成电路制造' -> also '集成电路', '制造'), so a broad query still meets a
specific document.  Single Chinese characters, punctuation and a short list
of function words are dropped; Latin words are lower-cased (5G, PLC, AI).
"""
from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from typing import Iterable

import numpy as np

STOPWORDS = frozenset("""
的 了 和 与 及 或 等 在 对 为 以 于 并 将 把 被 从 由 其 该 本 各 个 之 而 也 又 已 可 能 会 要
有 是 不 无 所 向 至 中 上 下 内 外 及其 以及 以上 以下 以内 一个 一种 一些 进行 开展 相关 方面
工作 问题 需要 需求 我们 我司 公司 企业 单位 本单位 提供 具有 具备 负责 能够 可以 主要 包括 其他 其它 通过
完成 实现 利用 采用 使用 经验 优先 要求 希望 欢迎 有关 若干 多项 多个 近年 目前 现有 一定 位于 从事
长期 取得 系列 成果 发表 论文 授权 主持 获得 方向 领域 合作 支持 提升 水平 方面 相应 良好 较强 熟悉
专家 人才 引进 招聘 等等 左右 以上 期间 每周 每月 服务
""".split())

_TOKEN_OK = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[a-z][a-z0-9+#.\-]*|\d+[a-z]+[a-z0-9]*)$")
_MIN_SUBTERM_FREQ = 50

log = logging.getLogger(__name__)


class Tokenizer:
    """jieba tokenizer with the taxonomy user dictionary and a phrase cache."""

    def __init__(self, terms: Iterable[str] = ()):
        import jieba  # local import: jieba logs on import

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        freq = self._jieba.FREQ
        total = self._jieba.total
        self.user_terms = frozenset(terms)
        for term in self.user_terms:
            # A frequency high enough that the whole term beats any split of it.
            self._jieba.add_word(term, max(freq.get(term, 0) or 0, _suggest(freq, total, term)))
        self._cache: dict[str, tuple[str, ...]] = {}
        self._expansions: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def _expand(self, raw: str) -> tuple[str, ...]:
        """A jieba token -> the terms it contributes: itself (unless a stopword or
        noise) and the dictionary words inside it."""
        tok = raw.strip()
        out: list[str] = []
        if tok and tok not in STOPWORDS and _TOKEN_OK.match(tok):
            out.append(tok)
            n = len(tok)
            if n >= 3 and not tok.isascii():
                freq = self._jieba.FREQ
                for size in range(2, n):
                    for i in range(n - size + 1):
                        sub = tok[i:i + size]
                        if sub not in out and sub not in STOPWORDS and (
                                freq.get(sub, 0) >= _MIN_SUBTERM_FREQ or sub in self.user_terms):
                            out.append(sub)
        result = tuple(out)
        if len(self._expansions) < 500_000:
            self._expansions[raw] = result
        return result

    def tokens(self, text: str) -> tuple[str, ...]:
        """Terms of a text, in order, duplicates kept (term frequency matters)."""
        if not text:
            return ()
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        out: list[str] = []
        expand = self._expansions
        for raw in self._jieba.cut(text.lower(), HMM=False):
            terms = expand.get(raw)
            if terms is None:
                terms = self._expand(raw)
            out.extend(terms)
        result = tuple(out)
        if len(text) <= 64:       # phrases (skills, titles) repeat; long texts rarely do
            with self._lock:
                if len(self._cache) > 200_000:
                    self._cache.clear()
                self._cache[text] = result
        return result


def _suggest(freq: dict, total: int, term: str) -> int:
    """jieba's suggest_freq without the tuning side effect: enough to keep `term` whole."""
    # product of the parts' probabilities if the term were cut into characters/words
    p = 1.0
    i = 0
    n = len(term)
    while i < n:
        # greedy longest known prefix
        for j in range(n, i, -1):
            piece = term[i:j]
            if j - i == 1 or freq.get(piece):
                p *= (freq.get(piece) or 1) / total
                i = j
                break
    return max(int(p * total) + 1, 5)


_TOKENIZERS: dict[str, Tokenizer] = {}
_TOK_LOCK = threading.Lock()


def tokenizer_for(taxonomy) -> Tokenizer:
    """One tokenizer per taxonomy per process (building it costs about a second)."""
    key = taxonomy.fingerprint()
    with _TOK_LOCK:
        tok = _TOKENIZERS.get(key)
        if tok is None:
            tok = Tokenizer(taxonomy.dictionary_terms())
            _TOKENIZERS[key] = tok
        return tok


class Vocabulary:
    """Term <-> id; grows as documents arrive, never shrinks."""

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.terms: list[str] = []

    def __len__(self) -> int:
        return len(self.terms)

    def id(self, term: str) -> int:
        i = self.ids.get(term)
        if i is None:
            i = len(self.terms)
            self.ids[term] = i
            self.terms.append(term)
        return i

    def lookup(self, term: str) -> int:
        return self.ids.get(term, -1)


def weighted_counts(fields: Iterable[tuple[Iterable[str], float]]) -> Counter:
    """Term -> summed weight over fields given as (tokens, field weight)."""
    c: Counter = Counter()
    for toks, w in fields:
        for t in toks:
            c[t] += w
    return c


def query_weights(fields: Iterable[tuple[Iterable[str], float]]) -> dict[str, float]:
    """Term -> weight of the most important field it occurs in (a query term counts once)."""
    q: dict[str, float] = {}
    for toks, w in fields:
        for t in toks:
            if w > q.get(t, 0.0):
                q[t] = w
    return q


class CorpusStats:
    """Document frequencies and lengths of the live documents, updated incrementally."""

    K1 = 1.2
    B = 0.75
    SAT_CAP = 1.5   # a term's BM25 tf-part counts up to this (see bm25_part)

    def __init__(self):
        self.df = np.zeros(1024, dtype=np.int32)
        self.n_docs = 0
        self.total_len = 0.0

    def _grow(self, n_terms: int) -> None:
        if n_terms > len(self.df):
            new = np.zeros(max(n_terms, 2 * len(self.df)), dtype=np.int32)
            new[:len(self.df)] = self.df
            self.df = new

    def add(self, term_ids: np.ndarray, length: float) -> None:
        if len(term_ids):
            self._grow(int(term_ids.max()) + 1)
            self.df[term_ids] += 1
        self.n_docs += 1
        self.total_len += length

    def remove(self, term_ids: np.ndarray, length: float) -> None:
        if len(term_ids):
            self.df[term_ids] -= 1
        self.n_docs -= 1
        self.total_len -= length

    @property
    def avg_len(self) -> float:
        return self.total_len / self.n_docs if self.n_docs else 1.0

    def idf(self, term_ids: np.ndarray) -> np.ndarray:
        """BM25 idf (the non-negative variant ln(1 + (N - df + .5)/(df + .5)))."""
        term_ids = np.asarray(term_ids, dtype=np.int64)
        df = np.zeros(len(term_ids), dtype=np.float64)
        ok = term_ids < len(self.df)
        df[ok] = self.df[term_ids[ok]]
        n = max(self.n_docs, 1)
        return np.log1p((n - df + 0.5) / (df + 0.5))

    def bm25_part(self, tf: np.ndarray, doc_len: np.ndarray) -> np.ndarray:
        """BM25's tf-part scaled to [0, 1]: one occurrence in a document of average
        length gives 1/SAT_CAP, repeated occurrences saturate at 1."""
        k1, b = self.K1, self.B
        sat = tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / self.avg_len))
        return np.minimum(sat, self.SAT_CAP) / self.SAT_CAP
