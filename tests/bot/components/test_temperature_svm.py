"""The SVM with temperature-scaled probabilities: best label of the full SVM, sensible confidences."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.svm import LinearSVC

from bot.components.temperature_svm import TemperatureScaledSVM, fit_temperature


def _clusters(seed: int, n: int = 40, spread: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Three labelled point clouds around distinct centres."""
    rng = np.random.default_rng(seed)
    centres = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    points = np.vstack([c + rng.normal(scale=spread, size=(n, 2)) for c in centres])
    labels = np.repeat(np.array(["a", "b", "c"]), n)
    return points, labels


def test_temperature_fits_how_reliable_the_scores_are() -> None:
    truth = np.array([0, 1, 0, 1] * 25)
    right = np.column_stack([truth == 0, truth == 1]).astype(float)
    # scores that always rank the true class first deserve a high temperature (confident) ...
    assert fit_temperature(right, truth) > 10
    # ... scores that are right only half the time get probabilities near 1/2 (low temperature)
    wrong_half = right.copy()
    wrong_half[::2] = wrong_half[::2, ::-1]
    assert fit_temperature(wrong_half, truth) < 0.1


def test_best_label_is_the_plain_svms_and_probabilities_sum_to_one() -> None:
    points, labels = _clusters(seed=1, spread=2.0)
    model = TemperatureScaledSVM(C=1.0, folds=3).fit(points, labels)
    plain = LinearSVC(C=1.0, random_state=0).fit(points, labels)
    probabilities = model.predict_proba(points)
    assert list(model.classes_) == ["a", "b", "c"]
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert (model.classes_[probabilities.argmax(axis=1)] == plain.predict(points)).all()


def test_clear_points_are_confident_and_points_between_classes_are_not() -> None:
    points, labels = _clusters(seed=2)
    model = TemperatureScaledSVM(C=1.0, folds=3).fit(points, labels)
    clear, between = model.predict_proba(np.array([[6.0, -1.0], [0.0, 0.5]]))
    assert clear.max() > 0.9
    assert between.max() < 0.7


def test_two_labels_work_too() -> None:
    points, labels = _clusters(seed=3)
    keep = labels != "c"
    model = TemperatureScaledSVM(C=1.0, folds=3).fit(points[keep], labels[keep])
    probabilities = model.predict_proba(np.array([[3.0, 0.0], [-3.0, 0.0]]))
    assert probabilities.shape == (2, 2)
    assert probabilities[0, 0] > 0.9 and probabilities[1, 1] > 0.9


def test_sample_weights_move_the_boundary() -> None:
    points, labels = _clusters(seed=4, spread=2.5)
    middle = np.array([[0.0, 0.0]])
    light = TemperatureScaledSVM(C=1.0, folds=3).fit(points, labels)
    heavy_b = TemperatureScaledSVM(C=1.0, folds=3).fit(points, labels, sample_weight=np.where(labels == "b", 5.0, 1.0))
    column = list(light.classes_).index("b")
    assert heavy_b.predict_proba(middle)[0, column] > light.predict_proba(middle)[0, column]


@pytest.mark.parametrize("folds", [2, 3])
def test_too_few_examples_for_the_folds_is_refused(folds: int) -> None:
    points = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    with pytest.raises(ValueError):
        TemperatureScaledSVM(C=1.0, folds=folds).fit(points, np.array(["a", "b", "b"]))
