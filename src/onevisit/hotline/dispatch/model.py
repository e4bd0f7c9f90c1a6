"""The learnt dispatch model: TF-IDF over jieba tokens and a multinomial logistic
regression, trained with scikit-learn.

What is stored and used is the fitted model's numbers only — the vocabulary, the IDF
weights, the coefficients and the departments — in NumPy's `.npz` format without pickles,
so that a stored model neither runs code when it is loaded nor depends on the version of
scikit-learn that trained it. Suggesting is then a few array operations on the ticket's
tokens (much faster for one ticket than scikit-learn's own per-call checks).
"""

from __future__ import annotations

import io
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from onevisit.search.text import index_tokens

FORMAT = 1
MIN_SAMPLES = 20
MIN_DEPARTMENTS = 2
MIN_DOCUMENT_FREQUENCY = 2  # a token seen once only is noise (a name, a number)
REGULARISATION = 3.0  # C of the logistic regression, chosen on held-out generated tickets


@dataclass(frozen=True)
class Sample:
    """A ticket's text and the department that handled it (and its township, if known)."""

    text: str
    department: str
    region_code: str = ""


def features(text: str, region_code: str = "") -> list[str]:
    """The ticket's tokens (jieba's search mode, as search indexes them) and its township."""
    tokens = index_tokens(text)
    if region_code:
        tokens.append(f"@{region_code}")
    return tokens


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass(frozen=True)
class DispatchClassifier:
    """A fitted model as arrays: `weights[t]` are token t's coefficients per department."""

    terms: dict[str, int]
    idf: NDArray[np.float64]
    weights: NDArray[np.float64]  # (terms, departments)
    intercept: NDArray[np.float64]  # (departments,)
    departments: tuple[str, ...]
    # How much the keyword rules' confidences count beside the model's probabilities:
    # chosen at training on held-out samples (0 when the rules do not help there).
    rules_weight: float = 0.0

    def _scores(self, tokens: Sequence[str]) -> NDArray[np.float64]:
        counts = Counter(index for token in tokens
                         if (index := self.terms.get(token)) is not None)
        if not counts:
            return self.intercept.copy()
        indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(values)) * self.idf[indices]  # sublinear tf × idf
        values /= math.sqrt(float(values @ values))
        result: NDArray[np.float64] = values @ self.weights[indices] + self.intercept
        return result

    def probabilities(self, tokens: Sequence[str]) -> NDArray[np.float64]:
        scores = self._scores(tokens)
        scores = np.exp(scores - scores.max())
        result: NDArray[np.float64] = scores / scores.sum()
        return result

    def blend(self, probabilities: NDArray[np.float64],
              rules: Sequence[tuple[str, float]], weight: float) -> NDArray[np.float64]:
        if not weight or not rules:
            return probabilities
        prior = np.zeros(len(self.departments))
        index = {code: i for i, code in enumerate(self.departments)}
        for code, confidence in rules:
            if code in index:
                prior[index[code]] = confidence
        result: NDArray[np.float64] = (1.0 - weight) * probabilities + weight * prior
        return result

    def top(self, tokens: Sequence[str], count: int = 3,
            rules: Sequence[tuple[str, float]] = ()) -> list[tuple[str, float]]:
        """The `count` likeliest departments; `rules`: what the keyword rules say of the
        same ticket (department, confidence), weighed in by `rules_weight`."""
        probabilities = self.blend(self.probabilities(tokens), rules, self.rules_weight)
        best = np.argsort(-probabilities, kind="stable")[:count]
        return [(self.departments[i], float(probabilities[i])) for i in best]

    def to_bytes(self) -> bytes:
        terms = sorted(self.terms, key=self.terms.__getitem__)
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer, format=np.array([FORMAT]), terms=np.array(terms, dtype=str),
            idf=self.idf, weights=self.weights.astype(np.float32),
            intercept=self.intercept, departments=np.array(self.departments, dtype=str),
            rules_weight=np.array([self.rules_weight]),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, payload: bytes) -> DispatchClassifier:
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            if int(arrays["format"][0]) != FORMAT:
                raise ValueError(f"unknown dispatch model format {arrays['format'][0]}")
            terms = [str(term) for term in arrays["terms"]]
            return cls(
                terms={term: index for index, term in enumerate(terms)},
                idf=arrays["idf"].astype(np.float64),
                weights=arrays["weights"].astype(np.float64),
                intercept=arrays["intercept"].astype(np.float64),
                departments=tuple(str(code) for code in arrays["departments"]),
                rules_weight=float(arrays["rules_weight"][0]) if "rules_weight" in arrays
                else 0.0,
            )


class TooFewSamples(ValueError):
    pass


def classifier_fit(*, tokens: Sequence[list[str]], labels: Sequence[str],
                   regularisation: float = REGULARISATION) -> DispatchClassifier:
    """Fit the model on tokenised samples."""
    from sklearn.feature_extraction.text import (
        TfidfVectorizer,
    )
    from sklearn.linear_model import LogisticRegression

    if len(labels) < MIN_SAMPLES or len(set(labels)) < MIN_DEPARTMENTS:
        raise TooFewSamples(
            f"{len(labels)} samples of {len(set(labels))} departments: a model needs at "
            f"least {MIN_SAMPLES} samples of at least {MIN_DEPARTMENTS} departments"
        )
    min_df = MIN_DOCUMENT_FREQUENCY if len(labels) >= 200 else 1
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df)
    matrix = vectorizer.fit_transform(tokens)
    model = LogisticRegression(C=regularisation, max_iter=2000)
    model.fit(matrix, list(labels))
    coefficients: Any = model.coef_
    intercept: Any = model.intercept_
    departments = tuple(str(code) for code in model.classes_)
    if len(departments) == 2:  # a binary model keeps one row: the second class's
        coefficients = np.vstack([-coefficients[0] / 2, coefficients[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return DispatchClassifier(
        terms={str(term): int(index) for term, index in vectorizer.vocabulary_.items()},
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        weights=np.ascontiguousarray(np.asarray(coefficients, dtype=np.float64).T),
        intercept=np.asarray(intercept, dtype=np.float64),
        departments=departments,
    )


@dataclass(frozen=True)
class Accuracy:
    count: int
    top1: float
    top3: float

    def as_json(self) -> dict[str, float | int]:
        return {"count": self.count, "top1": round(self.top1, 4), "top3": round(self.top3, 4)}


def accuracy(ranked: Sequence[Sequence[str]], labels: Sequence[str]) -> Accuracy:
    """Top-1 and top-3 accuracy of ranked department codes against the labels."""
    if not labels:
        return Accuracy(count=0, top1=0.0, top3=0.0)
    top1 = sum(1 for codes, label in zip(ranked, labels, strict=True)
               if codes and codes[0] == label)
    top3 = sum(1 for codes, label in zip(ranked, labels, strict=True) if label in codes[:3])
    return Accuracy(count=len(labels), top1=top1 / len(labels), top3=top3 / len(labels))


def holdout_split(samples: Sequence[Sample], *, fraction: float,
                  seed: int = 0) -> tuple[list[Sample], list[Sample]]:
    """A random split of samples (same text never on both sides)."""
    texts = sorted({sample.text for sample in samples})
    random.Random(seed).shuffle(texts)  # noqa: S311 - a sample split, not a secret
    held = set(texts[:int(len(texts) * fraction)])
    return ([s for s in samples if s.text not in held], [s for s in samples if s.text in held])
