"""The learnt dispatch model: TF-IDF over the ticket's character 1–3-grams (those of its
closing part counted again, as features of their own) and a linear SVM (one against the
rest), trained with scikit-learn; its margins, scaled by `SOFTMAX_SCALE`, give the
confidences.

Characters, not words: what citizens write is long, colloquial and misspelt (路灯不亮 /
灯坏了 / 黑漆漆), and a word segmenter both cuts such text badly and costs most of a
suggestion's time (about 1 ms for 400 characters); character n-grams cost a fifth of that.
On real-style letters (bench/data/hotline) words gave no better accuracy (docs/performance.md).

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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import Any

import numpy as np
from numpy.typing import NDArray

from onevisit.hotline.dispatch.rules import simplified

# 2: character n-grams and a linear SVM. A model of format 1 (jieba's words, a logistic
# regression) cannot be read: dispatch uses the keyword rules until one is trained again.
FORMAT = 2
MIN_SAMPLES = 20
MIN_DEPARTMENTS = 2
MIN_DOCUMENT_FREQUENCY = 2  # an n-gram seen once only is noise (a name, a number)
NGRAMS = (1, 2, 3)
# C of the SVM and the scale of its margins in the softmax: chosen by 5-fold
# cross-validation on the real-style letters (bench/data/hotline) and checked on the
# generated tickets.
REGULARISATION = 5.0
SOFTMAX_SCALE = 3.0
# Citizens come to their request late: a letter opens with who they are, what happened
# before and whom they already asked ("城管说归住建"), and says what it wants done at the
# end. The n-grams (of two characters or more) of its last CLOSING_SHARE count again, as
# features of their own: the real-style letters' 5-fold top-1, a mean over eleven fold
# seeds, rose from 79.6 % to 80.7 %, the held-out letters' from 95.5 % to 96.0 % (the
# share chosen among 0.4–0.8: docs/performance.md).
CLOSING_SHARE = 0.6
# What the closing's n-grams are marked with: a character that collapsing whitespace takes
# out of every text (Python counts it as a space), so no n-gram of a text begins with it.
CLOSING_MARK = "\x1f"
RULE_COPIES = 3  # a rule's say as a feature: copies per tenth of its confidence
DEFAULT_UNCERTAIN_BELOW = 0.5  # for a model trained on too few samples to calibrate it


@dataclass(frozen=True)
class Sample:
    """A ticket's text and the department that handled it (and its township, if known)."""

    text: str
    department: str
    region_code: str = ""


_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Grams:
    """A text's character n-grams (`text_grams`): those from `closing_from` on are the
    n-grams of two characters or more of its closing part, which count again."""

    grams: list[str]
    closing_from: int

    @property
    def closing(self) -> slice:
        return slice(self.closing_from, len(self.grams))


def text_grams(clean: str) -> Grams:
    """The character n-grams of a `simplified` text, spaces collapsed; those of two
    characters or more that begin in its last CLOSING_SHARE come last."""
    clean = _SPACE.sub(" ", clean).strip()
    length = len(clean)
    cut = int(length * (1.0 - CLOSING_SHARE))
    opening = [clean[start:start + size] for size in NGRAMS
               for start in range(length - size + 1 if size == 1 else min(cut, length - size + 1))]
    closing = [clean[start:start + size] for size in NGRAMS if size > 1
               for start in range(cut, length - size + 1)]
    return Grams(opening + closing, len(opening))


def grams_features(grams: list[str], region_code: str = "",
                   rules: Sequence[tuple[str, float]] = ()) -> list[str]:
    """`features` of a text whose n-grams are made (`text_grams`): they are extended."""
    if region_code:
        grams.append(f"@{region_code}")
    for code, confidence in rules:
        grams.extend([f"§{code}"] * (RULE_COPIES * max(1, round(confidence * 10))))
    return grams


def features(text: str, region_code: str = "",
             rules: Sequence[tuple[str, float]] = ()) -> list[str]:
    """The ticket's character n-grams (of its normalised text in simplified characters,
    spaces collapsed), again those of its closing part (`Grams`), its township, and
    what the keyword rules say of it (`rules`: department code and confidence, as
    `RuleSet.score` gives them): the model learns how far each department's rule is to be
    trusted."""
    made = text_grams(simplified(text))
    closing = [CLOSING_MARK + gram for gram in made.grams[made.closing]]
    return grams_features(made.grams + closing, region_code, rules)


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
    # Below this confidence the first choice is shown as uncertain and the dispatcher
    # decides: calibrated at training on held-out samples (`training`).
    uncertain_below: float = DEFAULT_UNCERTAIN_BELOW

    @cached_property
    def department_set(self) -> frozenset[str]:
        return frozenset(self.departments)

    @cached_property
    def closing_terms(self) -> NDArray[np.int64]:
        """For each term, the index of the same n-gram as its text's closing's (marked
        CLOSING_MARK), or -1."""
        result = np.full(len(self.terms), -1, dtype=np.int64)
        for term, index in self.terms.items():
            if term.startswith(CLOSING_MARK) and term[1:] in self.terms:
                result[self.terms[term[1:]]] = index
        return result

    @cached_property
    def plain_terms(self) -> dict[str, int]:
        """The terms but the closing's: what a text's own n-grams are looked up in when
        their closing's are not made (a third smaller, a sixth faster to look up in)."""
        return {term: index for term, index in self.terms.items()
                if not term.startswith(CLOSING_MARK)}

    def _scores(self, tokens: Sequence[str], closing: slice | None) -> NDArray[np.float64]:
        terms = self.terms if closing is None else self.plain_terms
        looked_up = np.fromiter(map(terms.get, tokens, repeat(-1)), dtype=np.int64,
                                count=len(tokens))
        if closing is not None:
            again = looked_up[closing]
            looked_up = np.concatenate([looked_up, self.closing_terms[again[again >= 0]]])
        known = looked_up[looked_up >= 0]
        if not known.size:
            return self.intercept.copy()
        indices, counts = np.unique(known, return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[indices]  # sublinear tf × idf
        values /= math.sqrt(float(values @ values))
        result: NDArray[np.float64] = values @ self.weights[indices] + self.intercept
        return result

    def probabilities(self, tokens: Sequence[str],
                      closing: slice | None = None) -> NDArray[np.float64]:
        """The departments' probabilities for a ticket's `features` — or for its n-grams
        and the rest without the closing's marked copies, when `closing` says which of
        `tokens` they are copies of (`Grams.closing`): the same, without making them."""
        scores = self._scores(tokens, closing) * SOFTMAX_SCALE
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
            rules: Sequence[tuple[str, float]] = (),
            closing: slice | None = None) -> list[tuple[str, float]]:
        """The `count` likeliest departments (`tokens` and `closing` as `probabilities`
        reads them); `rules`: what the keyword rules say of the same ticket (department,
        confidence), weighed in by `rules_weight`."""
        probabilities = self.blend(self.probabilities(tokens, closing), rules,
                                   self.rules_weight)
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
            uncertain_below=np.array([self.uncertain_below]),
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
                rules_weight=float(arrays["rules_weight"][0]),
                uncertain_below=float(arrays["uncertain_below"][0]),
            )


class TooFewSamples(ValueError):
    pass


def classifier_fit(*, tokens: Sequence[list[str]], labels: Sequence[str],
                   regularisation: float = REGULARISATION) -> DispatchClassifier:
    """Fit the model on the samples' features."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    if len(labels) < MIN_SAMPLES or len(set(labels)) < MIN_DEPARTMENTS:
        raise TooFewSamples(
            f"{len(labels)} samples of {len(set(labels))} departments: a model needs at "
            f"least {MIN_SAMPLES} samples of at least {MIN_DEPARTMENTS} departments"
        )
    min_df = MIN_DOCUMENT_FREQUENCY if len(labels) >= 200 else 1
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df)
    matrix = vectorizer.fit_transform(tokens)
    # Each department is one against all the others, so its own samples are a few in
    # hundreds: weighed up to count as much as all the rest ("balanced"), top-1 on the
    # real-style letters rose by a third of a point over eleven fold seeds (6 up, 3 down;
    # docs/performance.md), level on the generated tickets.
    model = LinearSVC(C=regularisation, class_weight="balanced", max_iter=5000)
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


def folds_split(samples: Sequence[Sample], *, folds: int,
                seed: int = 0) -> list[tuple[list[Sample], list[Sample]]]:
    """`folds` (training, held-out) pairs for cross-validation: the distinct texts are
    shuffled and dealt into `folds` parts, each held out once (a text on one side only)."""
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    texts = sorted({sample.text for sample in samples})
    if len(texts) < folds:
        raise ValueError(f"{len(texts)} distinct texts cannot make {folds} folds")
    random.Random(seed).shuffle(texts)  # noqa: S311 - a sample split, not a secret
    part = {text: index % folds for index, text in enumerate(texts)}
    return [([s for s in samples if part[s.text] != fold],
             [s for s in samples if part[s.text] == fold]) for fold in range(folds)]
