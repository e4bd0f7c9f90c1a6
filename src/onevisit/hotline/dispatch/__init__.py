"""Dispatch suggestion (派单建议): which departments a new ticket most likely belongs to.

A model learnt from the instance's own handled tickets (`model`, trained by `training`)
once there is one; keyword rules for a new instance with no history (`rules`). Past
tickets can also come from another system's export (`files`).
"""

from onevisit.hotline.dispatch.files import SampleFile, SampleFileError, samples_read
from onevisit.hotline.dispatch.model import (
    Accuracy,
    DispatchClassifier,
    Sample,
    TooFewSamples,
    accuracy,
    features,
)
from onevisit.hotline.dispatch.rules import RULES, KeywordRule, rule_for
from onevisit.hotline.dispatch.suggest import (
    Choice,
    Suggestion,
    dispatch_cache_clear,
    dispatch_rules_suggest,
    dispatch_suggest,
    dispatch_suggest_many,
)
from onevisit.hotline.dispatch.training import (
    Evaluation,
    dispatch_evaluate,
    dispatch_model_store,
    dispatch_model_train,
    dispatch_samples_from_history,
    dispatch_train,
    dispatch_train_from_history,
)

__all__ = [
    "RULES",
    "Accuracy",
    "Choice",
    "DispatchClassifier",
    "Evaluation",
    "KeywordRule",
    "Sample",
    "SampleFile",
    "SampleFileError",
    "Suggestion",
    "TooFewSamples",
    "accuracy",
    "dispatch_cache_clear",
    "dispatch_evaluate",
    "dispatch_model_store",
    "dispatch_model_train",
    "dispatch_rules_suggest",
    "dispatch_samples_from_history",
    "dispatch_suggest",
    "dispatch_suggest_many",
    "dispatch_train",
    "dispatch_train_from_history",
    "features",
    "rule_for",
    "samples_read",
]
