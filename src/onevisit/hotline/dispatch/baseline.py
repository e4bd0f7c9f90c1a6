"""The baseline every dispatch figure is measured beside: a plain character n-gram (1–3)
TF-IDF and a linear SVM (scikit-learn's `LinearSVC`), trained on the same samples as the
dispatcher. Nothing of it is stored or used to dispatch: it only tells whether the
dispatcher's own model earns its keep."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from onevisit.hotline.dispatch.model import Sample
from onevisit.search.text import normalize


class CharSvmBaseline:
    """Character 1–3-grams of the normalised text, sublinear TF-IDF, `LinearSVC(C=1)`."""

    def __init__(self, samples: Sequence[Sample]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        self._vectorizer: Any = TfidfVectorizer(analyzer="char", ngram_range=(1, 3),
                                                sublinear_tf=True, lowercase=False)
        matrix = self._vectorizer.fit_transform([normalize(s.text) for s in samples])
        self._model: Any = LinearSVC(C=1.0)
        self._model.fit(matrix, [s.department for s in samples])

    def ranked(self, texts: Sequence[str], count: int = 3) -> list[list[str]]:
        """The `count` best departments of each text, best first."""
        if not texts:
            return []
        scores = np.asarray(self._model.decision_function(
            self._vectorizer.transform([normalize(text) for text in texts])))
        classes = [str(code) for code in self._model.classes_]
        if scores.ndim == 1:  # a binary SVM gives one margin: the second class's
            scores = np.column_stack([-scores, scores])
        return [[classes[i] for i in np.argsort(-row, kind="stable")[:count]]
                for row in scores]
