"""Dispatch suggestion (派单建议): which departments a new ticket most likely belongs to.

A model learnt from the instance's own handled tickets (`model`, trained by `training`)
once there is one; keyword rules for a new instance with no history (`rules`). Past
tickets can also come from another system's export (`files`). A township's grassroots
platforms come first for the matters of their kind in it (`platforms`).
"""

from onevisit.hotline.dispatch.baseline import CharSvmBaseline
from onevisit.hotline.dispatch.files import (
    SampleFile,
    SampleFileError,
    departments_create,
    samples_read,
)
from onevisit.hotline.dispatch.model import (
    Accuracy,
    DispatchClassifier,
    Sample,
    TooFewSamples,
    accuracy,
    features,
    folds_split,
    holdout_split,
)
from onevisit.hotline.dispatch.platforms import (
    PLATFORM_RULES,
    PlatformMatch,
    label_platform,
    platform_kinds_score,
    platform_label,
    platform_reason,
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
    Comparison,
    Evaluation,
    dispatch_compare,
    dispatch_cross_validate,
    dispatch_evaluate,
    dispatch_model_store,
    dispatch_model_train,
    dispatch_samples_from_history,
    dispatch_train,
    dispatch_train_from_history,
    platform_labels,
)

__all__ = [
    "PLATFORM_RULES",
    "RULES",
    "Accuracy",
    "CharSvmBaseline",
    "Choice",
    "Comparison",
    "DispatchClassifier",
    "Evaluation",
    "KeywordRule",
    "PlatformMatch",
    "Sample",
    "SampleFile",
    "SampleFileError",
    "Suggestion",
    "TooFewSamples",
    "accuracy",
    "departments_create",
    "dispatch_cache_clear",
    "dispatch_compare",
    "dispatch_cross_validate",
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
    "folds_split",
    "holdout_split",
    "label_platform",
    "platform_kinds_score",
    "platform_label",
    "platform_labels",
    "platform_reason",
    "rule_for",
    "samples_read",
]
