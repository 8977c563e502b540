"""BM25 over folded Vietnamese syllables and syllable pairs.

Vietnamese words are mostly two syllables ("báo cáo", "thời hạn"), so adjacent pairs are
indexed beside single syllables: they recover word-level matches without a word segmenter.
Folding diacritics makes a question typed without accents match exactly like an accented one.
Term weights are computed once at build time, so a query is a few array additions; the index
holds tens of thousands of passages in memory without trouble.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from bot.retrieval.vietnamese import syllables


def terms(text: str, pairs: bool = True) -> list[str]:
    """Index terms of a text: folded syllables, then adjacent syllable pairs."""
    words = syllables(text)
    if not pairs:
        return words
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:])]


class LexicalIndex:
    """An immutable BM25 index over (key, text) pairs; keys are the caller's ids."""

    def __init__(self, items: Iterable[tuple[str, str]], k1: float = 0.6, b: float = 0.75,
                 pairs: bool = True) -> None:
        self.pairs = pairs
        self.keys: list[str] = []
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths: list[int] = []
        for row, (key, text) in enumerate(items):
            counts = Counter(terms(text, pairs))
            self.keys.append(key)
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                postings[term].append((row, tf))
        self.rows = {key: row for row, key in enumerate(self.keys)}
        self._weights = self._bm25_weights(postings, np.asarray(lengths, dtype=np.float32), k1, b)

    @staticmethod
    def _bm25_weights(postings: dict[str, list[tuple[int, int]]], lengths: np.ndarray, k1: float,
                      b: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        n = len(lengths)
        norm = k1 * (1 - b + b * lengths / max(float(lengths.mean()) if n else 1.0, 1.0))
        weights = {}
        for term, entries in postings.items():
            rows = np.fromiter((r for r, _ in entries), dtype=np.int64, count=len(entries))
            tf = np.fromiter((t for _, t in entries), dtype=np.float32, count=len(entries))
            idf = math.log(1 + (n - len(entries) + 0.5) / (len(entries) + 0.5))
            weights[term] = (rows, (idf * tf * (k1 + 1) / (tf + norm[rows])).astype(np.float32))
        return weights

    def __len__(self) -> int:
        return len(self.keys)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for the query (zeros where nothing matches)."""
        total = np.zeros(len(self.keys), dtype=np.float32)
        for term in set(terms(query, self.pairs)):
            found = self._weights.get(term)
            if found is not None:
                total[found[0]] += found[1]
        return total

    def search(self, query: str, k: int, only: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """The k best (key, score) pairs with a positive score, optionally among some keys only."""
        total = self.scores(query)
        if only is not None:
            mask = np.zeros(len(self.keys), dtype=bool)
            mask[[self.rows[key] for key in only if key in self.rows]] = True
            total = np.where(mask, total, 0.0)
        k = min(k, int(np.count_nonzero(total)))
        if k <= 0:
            return []
        best = np.argpartition(-total, k - 1)[:k]
        best = best[np.argsort(-total[best], kind="stable")]
        return [(self.keys[i], float(total[i])) for i in best]
