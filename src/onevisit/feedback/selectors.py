"""Reads of the citizens' verdict: ratings and rectification rates per department and
window, survey results, evaluation results, the suggestions column."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet

from onevisit import clock
from onevisit.accounts.models import Department, Region, RegionLevel
from onevisit.accounts.regions import scope_of, within
from onevisit.applications.models import Application
from onevisit.feedback.constants import (
    RECTIFIED_STATUSES,
    QuestionKind,
    RectificationStatus,
    SuggestionStatus,
)
from onevisit.feedback.models import (
    BAD_SCORE_MAX,
    EvaluationSample,
    Experience,
    Rating,
    Rectification,
    Suggestion,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
)


def rating_of(*, application: Application) -> Rating | None:
    return Rating.objects.filter(application=application).first()


def rectifications_of_application(*, application: Application) -> QuerySet[Rectification]:
    return (Rectification.objects.filter(rating__application=application)
            .select_related("department").order_by("department__code"))


def rectifications_of_applicant(*, applications: QuerySet[Application]
                                ) -> QuerySet[Rectification]:
    """The rectifications of these applications (a citizen's own), newest first."""
    return (Rectification.objects.filter(rating__application__in=applications)
            .select_related("rating__application", "department").order_by("-opened_at", "id"))


def rectifications_for_department(*, department_id: int | None) -> QuerySet[Rectification]:
    """A department's rectifications, the open ones first by deadline."""
    return (Rectification.objects.filter(department_id=department_id or 0)
            .select_related("rating__application")
            .order_by(F("answered_at").asc(nulls_first=True), "due_at", "id"))


@dataclass
class DepartmentRate:
    """The published figures of one department (好差评 and 整改)."""

    department: str
    ratings: int = 0
    average: float | None = None
    bad: int = 0
    rectified: int = 0
    on_time: int = 0
    overdue_open: int = 0
    satisfied: int = 0
    second_verdicts: int = 0

    @property
    def bad_rate(self) -> float | None:
        return self.bad / self.ratings if self.ratings else None

    @property
    def rectified_rate(self) -> float | None:
        """整改率: rectifications answered out of those opened."""
        return self.rectified / self.bad if self.bad else None

    @property
    def satisfied_rate(self) -> float | None:
        """整改满意率: second verdicts satisfied out of those given."""
        return self.satisfied / self.second_verdicts if self.second_verdicts else None

    @property
    def percents(self) -> dict[str, str]:
        """The rates as pages show them ("—" : nothing to count)."""
        return {name: percent(getattr(self, name))
                for name in ("bad_rate", "rectified_rate", "satisfied_rate")}


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def department_rates(*, scope: str = "") -> list[DepartmentRate]:
    """Per department of the region (`scope`, "" : all): ratings, their average, bad
    ones, and what became of the rectifications they opened."""
    now = clock.now()
    # Grouped by the department's key, named afterwards from the Department itself, so
    # the name is in the visitor's language (a values() lookup would read the Chinese).
    rows: dict[int, DepartmentRate] = {}
    for pk, count, average, bad in (
            Rating.objects.filter(within("departments__region", scope))
            .values("departments")
            .annotate(n=Count("id", distinct=True), avg=Avg("score"),
                      n_bad=Count("id", filter=Q(score__lte=BAD_SCORE_MAX), distinct=True))
            .order_by("departments__name")
            .values_list("departments", "n", "avg", "n_bad")):
        if pk:
            rows[pk] = DepartmentRate(department="", ratings=count,
                                      average=round(float(average), 2), bad=bad)
    for pk, rectified, on_time, overdue, satisfied, verdicts in (
            Rectification.objects.filter(within("department__region", scope))
            .values("department")
            .annotate(done=Count("id", filter=Q(status__in=RECTIFIED_STATUSES)),
                      on_time=Count("id", filter=Q(answered_at__lte=F("due_at"))),
                      late=Count("id", filter=Q(status=RectificationStatus.OPEN,
                                                due_at__lt=now)),
                      satisfied=Count("id", filter=Q(status=RectificationStatus.SATISFIED)),
                      verdicts=Count("id", filter=Q(second_score__isnull=False)))
            .order_by("department__name")
            .values_list("department", "done", "on_time", "late", "satisfied",
                         "verdicts")):
        row = rows.setdefault(pk, DepartmentRate(department=""))
        row.rectified, row.on_time, row.overdue_open = rectified, on_time, overdue
        row.satisfied, row.second_verdicts = satisfied, verdicts
    names = {pk: department.name for pk, department in Department.objects.in_bulk(rows).items()}
    for pk, row in rows.items():
        row.department = names.get(pk, "")
    return list(rows.values())


def window_rates(*, scope: str = "") -> list[dict[str, Any]]:
    """Per hall window that accepted the rated applications: ratings, average, bad."""
    return [{"window": window, "ratings": count, "average": round(float(average), 2),
             "bad": bad}
            for window, count, average, bad in (
                Rating.objects.filter(within("application__region", scope))
                .exclude(window="").values("window")
                .annotate(n=Count("id"), avg=Avg("score"),
                          n_bad=Count("id", filter=Q(score__lte=BAD_SCORE_MAX)))
                .order_by("window").values_list("window", "n", "avg", "n_bad"))]


def invitation_by_token(*, token: str) -> SurveyInvitation | None:
    """The invitation a survey link names, with its survey and application."""
    return (SurveyInvitation.objects.select_related("survey", "application")
            .filter(token=token).first()) if token else None


def author_masked(name: str) -> str:
    """A suggestion's author as the public sees her: the first character, then ** whatever
    the name's length."""
    return name[:1] + "**" if name else ""


def suggestion_regions() -> QuerySet[Region]:
    """Where a suggestion may be addressed: the provinces, cities and counties this site
    serves — those with a department in them or below them — not every region of China."""
    served: set[str] = set()
    for region in Region.objects.filter(departments__isnull=False).distinct():
        node: Region | None = region
        while node is not None and node.code not in served:
            served.add(node.code)
            node = node.parent
    return (Region.objects.filter(code__in=served).exclude(level=RegionLevel.TOWNSHIP)
            .order_by("code"))


def surveys_visible(*, actor: Any) -> QuerySet[Survey]:
    return Survey.objects.filter(within("region", scope_of(actor))).select_related("region")


def survey_get(*, actor: Any, survey_id: int) -> Survey | None:
    return surveys_visible(actor=actor).filter(pk=survey_id).first()


@dataclass
class QuestionResult:
    position: int
    text: str
    kind: str
    answers: int = 0
    counts: list[tuple[str, int]] = field(default_factory=list)
    average: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    invited: int
    answered: int
    questions: list[QuestionResult]
    # Average of the scale answers and number of respondents, per item and per department.
    by_item: list[tuple[str, int, float | None]]
    by_department: list[tuple[str, int, float | None]]


def _group(scores: dict[str, list[int]], respondents: dict[str, set[int]]
           ) -> list[tuple[str, int, float | None]]:
    return [(name, len(respondents[name]),
             round(sum(scores[name]) / len(scores[name]), 2) if scores[name] else None)
            for name in sorted(respondents)]


def survey_results(*, survey: Survey) -> SurveyResults:
    """Results per question (choice counts, the scale's average and spread, the texts),
    and per item and per department (respondents, average of the scale answers)."""
    questions = list(survey.questions.all())
    answers = list(SurveyAnswer.objects.filter(invitation__survey=survey)
                   .select_related("invitation__application"))
    results = []
    for question in questions:
        mine = [a for a in answers if a.question_id == question.pk]
        result = QuestionResult(position=question.position, text=question.text,
                                kind=question.kind, answers=len(mine))
        if question.kind == QuestionKind.CHOICE:
            counted = Counter(a.choice for a in mine)
            result.counts = [(choice, counted[choice]) for choice in question.choices]
        elif question.kind == QuestionKind.SCALE:
            scores = [a.score for a in mine if a.score is not None]
            counted = Counter(str(s) for s in scores)
            result.counts = [(str(n), counted[str(n)]) for n in range(5, 0, -1)]
            result.average = round(sum(scores) / len(scores), 2) if scores else None
        else:
            result.texts = [a.text for a in mine if a.text]
        results.append(result)
    pairs = list(Application.objects.filter(
        number__in={a.invitation.application.number for a in answers})
        .values_list("number", "cases__department").distinct())
    names = {pk: department.name for pk, department in  # in the reader's language
             Department.objects.in_bulk({pk for _number, pk in pairs if pk}).items()}
    departments: dict[str, list[str]] = defaultdict(list)
    for number, pk in pairs:
        if pk:
            departments[number].append(names[pk])
    item_scores: dict[str, list[int]] = defaultdict(list)
    item_people: dict[str, set[int]] = defaultdict(set)
    dept_scores: dict[str, list[int]] = defaultdict(list)
    dept_people: dict[str, set[int]] = defaultdict(set)
    for answer in answers:
        application = answer.invitation.application
        item_people[application.title].add(answer.invitation_id)
        for name in departments[application.number]:
            dept_people[name].add(answer.invitation_id)
        if answer.score is not None:
            item_scores[application.title].append(answer.score)
            for name in departments[application.number]:
                dept_scores[name].append(answer.score)
    invitations = survey.invitations.all()
    return SurveyResults(
        invited=invitations.count(),
        answered=invitations.filter(answered_at__isnull=False).count(),
        questions=results, by_item=_group(item_scores, item_people),
        by_department=_group(dept_scores, dept_people))


def samples_visible(*, actor: Any) -> QuerySet[EvaluationSample]:
    return EvaluationSample.objects.filter(within("region", scope_of(actor)))


@dataclass
class EvaluationSummary:
    sampled: int
    interviewed: int
    reached: int
    average: float | None
    scores: list[tuple[int, int]]
    average_visits: float | None
    exports: int


def evaluation_summary(*, sample: EvaluationSample) -> EvaluationSummary:
    results = list(sample.results.all())
    reached = [r for r in results if r.reached]
    scores = [r.score for r in reached if r.score is not None]
    visits = [r.visits for r in results if r.visits is not None]
    counted = Counter(scores)
    return EvaluationSummary(
        sampled=len(sample.numbers), interviewed=len(results), reached=len(reached),
        average=round(sum(scores) / len(scores), 2) if scores else None,
        scores=[(n, counted[n]) for n in range(5, 0, -1)],
        average_visits=round(sum(visits) / len(visits), 2) if visits else None,
        exports=sample.exports.count())


def suggestions_published(*, region: str = "") -> QuerySet[Suggestion]:
    """The public column: published suggestions (with their reply, if any)."""
    rows = Suggestion.objects.filter(status=SuggestionStatus.PUBLISHED)
    return rows.filter(within("region", region)) if region else rows


def suggestions_for_moderation(*, actor: Any) -> QuerySet[Suggestion]:
    """The suggestions of the supervisor's region, the ones waiting first."""
    return (Suggestion.objects.filter(within("region", scope_of(actor)))
            .order_by(F("moderated_at").asc(nulls_first=True), "-submitted_at"))


def experiences_of(*, official: Any) -> QuerySet[Experience]:
    return Experience.objects.filter(official=official).select_related("application")
