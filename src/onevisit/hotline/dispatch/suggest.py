"""Suggesting departments for a ticket (派单建议): the newest active learnt model (with the
keyword rules weighed in as far as they helped on held-out tickets at training), or the
keyword rules alone while the instance has none. When the ticket's township hosts
grassroots platforms and its matter is of a platform's kind, that platform comes first
(`platforms`).

Each process keeps the model it loaded, keyed by the stored model's id, and asks the
database which model is current with one small query at most every `MODEL_CHECK_SECONDS`
(a second), so a model stored by another process is used everywhere within it; the
process that stores a model uses it at once. Nothing is kept that another process needs:
every process loads the same model from the database. The departments' names and keyword
rules, and the townships' platforms, are read again at most every
`DEPARTMENTS_CHECK_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection

from onevisit.accounts.models import Department, PlatformKind
from onevisit.hotline.constants import DispatchMethod
from onevisit.hotline.dispatch.model import DispatchClassifier, grams_features, text_grams
from onevisit.hotline.dispatch.platforms import (
    label_platform,
    platform_kinds_score,
    platform_label,
)
from onevisit.hotline.dispatch.rules import (
    KeywordRule,
    RuleSet,
    rule_for,
    simplified,
)
from onevisit.hotline.models import DispatchModel

# Which model is current is asked at most this often: a model stored by another process
# is used everywhere within a second (0: ask on every suggestion).
MODEL_CHECK_SECONDS = 1.0
DEPARTMENTS_CHECK_SECONDS = 10.0
CHOICES = 3
# Below this confidence the keyword rules' first choice is shown as uncertain (a learnt
# model carries its own threshold, calibrated at training: `DispatchClassifier`).
RULES_UNCERTAIN_BELOW = 0.5
PLATFORM_LEARNT_SHARE = 0.5  # of the likeliest department's probability, see `_choices`


class Choice(NamedTuple):
    department_code: str
    department_name: str
    confidence: float
    # Why a township's grassroots platform comes first: its kind, the ticket's words that
    # showed it, whether the learnt model did too. None for any other choice.
    reason: dict[str, Any] | None = None


@dataclass(frozen=True)
class Suggestion:
    """Up to three departments, best first, each with a confidence between 0 and 1, and
    how they were found ("model" or "rules"); `model_id` names the stored model.
    `uncertain`: the first choice is too unsure to go by — the dispatcher decides."""

    choices: list[Choice]
    method: str
    model_id: int | None = None
    uncertain: bool = True

    def as_json(self) -> dict[str, Any]:
        """What `Ticket.suggestion` keeps."""
        return {
            "method": self.method,
            "model_id": self.model_id,
            "uncertain": self.uncertain,
            "choices": [{"department": choice.department_code, "name": choice.department_name,
                         "confidence": round(choice.confidence, 4),
                         **({"reason": choice.reason} if choice.reason else {})}
                        for choice in self.choices],
        }

    @property
    def best(self) -> str | None:
        return self.choices[0].department_code if self.choices else None


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    checked_at: float = float("-inf")
    model_id: int | None = None
    classifier: DispatchClassifier | None = None
    departments_checked_at: float = float("-inf")
    names: dict[str, str] = field(default_factory=dict)
    rules: dict[str, KeywordRule] = field(default_factory=dict)
    platforms: dict[str, dict[str, str]] = field(default_factory=dict)  # township → kind → code
    # The rules of a model's own departments, made ready (`RuleSet`), for (the model's
    # departments, the departments' rules) as last read.
    rule_sets: dict[tuple[frozenset[str] | None, int], RuleSet] = field(default_factory=dict)


_cache = _Cache()


def dispatch_cache_clear() -> None:
    """Forget the loaded model and departments: the next suggestion asks the database."""
    with _cache.lock:
        _cache.checked_at = _cache.departments_checked_at = float("-inf")
        _cache.model_id = None
        _cache.classifier = None
        _cache.names = {}
        _cache.rules = {}
        _cache.platforms = {}
        _cache.rule_sets = {}


_NEWEST = ("SELECT id FROM {table} WHERE active AND method = %s "
           "ORDER BY created_at DESC, id DESC LIMIT 1")


def _newest_id() -> int | None:
    query = _NEWEST.format(table=connection.ops.quote_name(DispatchModel._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(query, [DispatchMethod.MODEL.value])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _current() -> tuple[int | None, DispatchClassifier | None]:
    """The current model: which one is asked of the database on every call (one indexed
    row, without the ORM's cost), or at most every MODEL_CHECK_SECONDS when that is set;
    it is loaded only when it changed."""
    now = time.monotonic()
    if MODEL_CHECK_SECONDS and now - _cache.checked_at < MODEL_CHECK_SECONDS:
        return _cache.model_id, _cache.classifier
    newest = _newest_id()
    if newest == _cache.model_id:
        _cache.checked_at = now
        return _cache.model_id, _cache.classifier
    with _cache.lock:
        if newest is None:
            _cache.model_id, _cache.classifier = None, None
        elif newest != _cache.model_id:
            payload = DispatchModel.objects.values_list("payload", flat=True).get(pk=newest)
            _cache.classifier = DispatchClassifier.from_bytes(bytes(payload))
            _cache.model_id = newest
        _cache.checked_at = now
        return _cache.model_id, _cache.classifier


def dispatch_departments() -> tuple[dict[str, str], dict[str, KeywordRule]]:
    """The departments' names and keyword rules, by code (cached like the model)."""
    return _departments()


def _departments() -> tuple[dict[str, str], dict[str, KeywordRule]]:
    now = time.monotonic()
    if now - _cache.departments_checked_at >= DEPARTMENTS_CHECK_SECONDS:
        with _cache.lock:
            names: dict[str, str] = {}
            rules: dict[str, KeywordRule] = {}
            platforms: dict[str, dict[str, str]] = {}
            for code, name, region, platform in Department.objects.values_list(
                    "code", "name", "region_id", "platform"):
                names[code] = name
                if platform:  # a platform is found by its township, never by its name
                    platforms.setdefault(region, {})[platform] = code
                elif (rule := rule_for(name)) is not None:
                    rules[code] = rule
            _cache.names, _cache.rules, _cache.platforms = names, rules, platforms
            _cache.rule_sets = {}
            _cache.departments_checked_at = now
    return _cache.names, _cache.rules


def _choices(ranked: Sequence[tuple[str, float]], names: dict[str, str], *, text: str = "",
             region_code: str = "", known: Collection[str] = ()) -> list[Choice]:
    """The top choices of a ranking of departments (and of the model's platform labels,
    which only a township's own platform may stand for). A township hosting platforms
    has the platform of the matter's kind put first: the kind the model finds at least
    half as likely as its likeliest department, or the kind the ticket's words show,
    when the model ranks it among its first choices too or never learnt it (`known`: its
    labels); whichever is surer. Its confidence is the model's where the model knows it."""
    ordinary = [Choice(code, names.get(code, ""), confidence)
                for code, confidence in ranked if not label_platform(code)]
    platforms = _cache.platforms.get(region_code, {}) if region_code else {}
    if not platforms:
        return ordinary[:CHOICES]
    # Not a platform at 2 % beside a bureau at 83 %; and once the model has learnt from
    # the platforms' own tickets, not 油烟 or 医保卡 alone against what it learnt.
    likeliest = ordinary[0].confidence if ordinary else 0.0
    learnt = {kind: confidence for code, confidence in ranked[:CHOICES]
              if (kind := label_platform(code)) in platforms
              and confidence >= likeliest * PLATFORM_LEARNT_SHARE}
    keywords = {match.kind: match for match in platform_kinds_score(text)
                if match.kind in platforms}
    # The words count for a kind the model never learnt, or ranks among its first.
    ranked_first = {label for label, _confidence in ranked[:CHOICES]}
    said = {kind for kind in keywords
            if platform_label(kind) not in known or platform_label(kind) in ranked_first}
    sureness = {kind: max(learnt.get(kind, 0.0),
                          keywords[kind].confidence if kind in said else 0.0)
                for kind in {*learnt, *said}}
    if not sureness:
        return ordinary[:CHOICES]
    order = list(PlatformKind.values)
    kind = min(sureness, key=lambda k: (-sureness[k], order.index(k)))
    code = platforms[kind]
    reason = {"platform": kind,
              "keywords": list(keywords[kind].keywords) if kind in keywords else [],
              "learnt": kind in learnt}
    # The confidence shown is the model's, to be read beside the departments' after it;
    # the keywords' share only for a kind the model never learnt.
    label = platform_label(kind)
    confidence = (dict(ranked).get(label, 0.0) if label in known
                  else keywords[kind].confidence)
    first = Choice(code, names.get(code, ""), confidence, reason)
    return [first, *ordinary[:CHOICES - 1]]


def _model_ranked(classifier: DispatchClassifier, text: str, region_code: str,
                  rules: dict[str, KeywordRule]) -> list[tuple[str, float]]:
    """The model's ranking, long enough to leave CHOICES departments besides its
    platform labels."""
    clean = simplified(text)
    made = text_grams(clean)
    closing = made.closing  # before the township and the rules join the n-grams
    # The rules of the model's own departments only (an instance may have departments of
    # one kind in several counties: the model knows which ones it learnt).
    said = _ready(rules, classifier.department_set).score(clean, made.grams)
    return classifier.top(grams_features(made.grams, region_code, said),
                          count=CHOICES + len(PlatformKind), rules=said, closing=closing)


def _ready(rules: dict[str, KeywordRule], departments: frozenset[str] | None) -> RuleSet:
    """`rules` (of `departments` only, when given) made ready, once per reading of them."""
    key = (departments, id(rules))
    found = _cache.rule_sets.get(key)
    if found is None:
        found = RuleSet({code: rule for code, rule in rules.items()
                         if departments is None or code in departments})
        if len(_cache.rule_sets) > 8:  # models evaluated side by side: keep a few
            _cache.rule_sets.clear()
        _cache.rule_sets[key] = found
    return found


def _by_model(classifier: DispatchClassifier, model_id: int | None, text: str,
              region_code: str) -> Suggestion:
    names, rules = _departments()
    choices = _choices(_model_ranked(classifier, text, region_code, rules), names, text=text,
                       region_code=region_code, known=classifier.department_set)
    return Suggestion(choices=choices, method=DispatchMethod.MODEL.value, model_id=model_id,
                      uncertain=_uncertain(choices, classifier.uncertain_below))


def _uncertain(choices: Sequence[Choice], below: float) -> bool:
    """Nothing to go by: no choice, or a first choice under `below`: the dispatcher
    decides."""
    return not choices or choices[0].confidence < below


def _by_rules(text: str, region_code: str,
              departments: Collection[str] | None = None) -> Suggestion:
    names, rules = _departments()
    ready = _ready(rules, None if departments is None else frozenset(departments))
    choices = _choices(ready.score(simplified(text)), names, text=text,
                       region_code=region_code)
    return Suggestion(choices=choices, method=DispatchMethod.RULES.value,
                      uncertain=_uncertain(choices, RULES_UNCERTAIN_BELOW))


def dispatch_suggest(*, text: str, region_code: str = "") -> Suggestion:
    """The departments a ticket most likely belongs to. `text`: what the ticket says (its
    title and text); `region_code`: its township, which the learnt model also weighs."""
    model_id, classifier = _current()
    if classifier is not None:
        return _by_model(classifier, model_id, text, region_code)
    return _by_rules(text, region_code)


def dispatch_suggest_many(*, texts: Sequence[str], region_codes: Sequence[str] | None = None,
                          classifier: DispatchClassifier | None = None) -> list[Suggestion]:
    """`dispatch_suggest` for many tickets at once (an import, a re-evaluation); with
    `classifier`, what that model (stored or not) suggests instead of the current one."""
    codes = list(region_codes) if region_codes is not None else [""] * len(texts)
    if len(codes) != len(texts):
        raise ValueError("one region code per text")
    model_id = None
    if classifier is None:
        model_id, classifier = _current()
    if classifier is None:
        return [_by_rules(text, code) for text, code in zip(texts, codes, strict=True)]
    return [_by_model(classifier, model_id, text, code)
            for text, code in zip(texts, codes, strict=True)]


def dispatch_rules_suggest(*, text: str, departments: Collection[str] | None = None) -> Suggestion:
    """What the keyword rules alone suggest (also when a model exists); among
    `departments` (codes) only, when given."""
    return _by_rules(text, "", departments)
