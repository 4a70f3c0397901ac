"""A linear SVM whose scores become probabilities by temperature scaling.

The probabilities are softmax(T * decision scores), with one temperature T chosen to
minimise the log-loss of decision scores predicted on cross-validation folds. The SVM
itself is fitted on all the data, so its best label is the plain SVM's. Sigmoid
calibration (`CalibratedClassifierCV`) averages models that each saw only part of the
data, which cost 4 points of held-out accuracy on our data (docs/nlu-quality.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

TEMPERATURE_BOUNDS = (0.01, 100.0)


def _as_columns(scores: np.ndarray) -> np.ndarray:
    """Decision scores as one column per class (a binary SVM gives one score per row)."""
    return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores


def fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The T minimising the mean negative log-likelihood of softmax(T * scores)."""
    rows = np.arange(len(truth))

    def loss(temperature: float) -> float:
        return float(-log_softmax(scores * temperature, axis=1)[rows, truth].mean())

    return float(minimize_scalar(loss, bounds=TEMPERATURE_BOUNDS, method="bounded").x)


class TemperatureScaledSVM:
    """`LinearSVC` with `predict_proba`; `folds` cross-validation folds choose the temperature."""

    def __init__(self, C: float, folds: int, random_state: int = 0) -> None:
        self.folds = folds
        self.random_state = random_state
        self.temperature = 1.0
        self.svm = LinearSVC(C=C, random_state=random_state)

    @property
    def classes_(self) -> np.ndarray:
        return self.svm.classes_

    def fit(self, features: Any, labels: np.ndarray, sample_weight: np.ndarray | None = None) -> TemperatureScaledSVM:
        folds = StratifiedKFold(self.folds, shuffle=True, random_state=self.random_state)
        held_out_scores = cross_val_predict(
            clone(self.svm),
            features,
            labels,
            cv=folds,
            method="decision_function",
            fit_params={"sample_weight": sample_weight},
        )
        self.svm.fit(features, labels, sample_weight=sample_weight)
        truth = np.searchsorted(self.svm.classes_, labels)
        self.temperature = fit_temperature(_as_columns(held_out_scores), truth)
        return self

    def predict_proba(self, features: Any) -> np.ndarray:
        scores = _as_columns(self.svm.decision_function(features))
        return np.asarray(softmax(scores * self.temperature, axis=1))
