"""Which partners fit a city issue, and which open issues fit a partner (第3-1(3)).

A fit is computed when asked, never stored. Two things count, in this order:

1. activity fields (分野) the issue and the partner share: each outweighs any number of words;
2. words of the issue (title and description) found in the partner's 活動テーマ or ミッション.

Japanese has no spaces between words, so the issue's text (NFKC-folded, see kyodo.text) is cut
into runs of one script: kanji, katakana, latin letters and digits. Hiragana is left out: it is
mostly grammar (の、を、したい). Each run is matched by its longest pieces that the partner's text
contains: two kanji at least (a bigram, the usual unit of Japanese search), three katakana
unless the whole run is shorter, and whole latin words. Pieces too common to tell partners apart
(活動、地域、課題 …) do not count.

`score` and `rank_*` are pure: they read only the objects given (with activity fields
prefetched). `partners_for_issue` and `open_issues_for_partner` add the queries, a fixed number
whatever the number of partners or issues.
"""

import re
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from django.conf import settings

from kyodo.text import normalize_for_search
from partners.models import CityIssue, Partner

# One shared field outweighs any number of words: words add at most WORD_CAP.
FIELD_WEIGHT = 10
WORD_CAP = FIELD_WEIGHT - 1

_RUN = re.compile(
    r"(?P<kanji>[々〆ヵヶ\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    r"|(?P<katakana>[\u30a1-\u30fa\u30fc]+)"
    r"|(?P<latin>[0-9a-z]+)"
)
_MIN_PIECE = {"kanji": 2, "katakana": 3}

# Pieces that nearly every issue or partner text holds; matching them says nothing.
_COMMON = (
    "課題 事業 協働 活動 地域 市民 団体 本市 当課 市内 全市 実施 推進 必要 目的 現在 今後 状況 "
    "場合 取組 内容 方法 関係 対象 年度"
)
STOP_TERMS = frozenset(
    normalize_for_search(word)
    for word in [
        *_COMMON.split(),
        settings.KYODO_CITY_NAME,  # 茅ヶ崎市, and 茅ヶ崎 alone
        settings.KYODO_CITY_NAME.removesuffix("市"),
    ]
)


class Term(NamedTuple):
    text: str
    kind: str  # "kanji", "katakana" or "latin"


class PartnerMatch(NamedTuple):
    partner: Partner
    score: int
    reasons: list[str]


class IssueMatch(NamedTuple):
    issue: CityIssue
    score: int
    reasons: list[str]


def issue_terms(*texts: str) -> list[Term]:
    """The runs of one script in texts (NFKC-folded), in order, each once."""
    seen: dict[str, Term] = {}
    for text in texts:
        for m in _RUN.finditer(normalize_for_search(text)):
            kind = m.lastgroup or "latin"
            run = m.group()
            if kind == "latin" and (len(run) < 2 or run.isdigit()):
                continue
            if kind != "latin" and len(run) < 2:
                continue
            seen.setdefault(run, Term(run, kind))
    return list(seen.values())


def is_common(piece: str) -> bool:
    """Whether piece is made only of common words (市民活動 = 市民 + 活動)."""
    if piece in STOP_TERMS:
        return True
    return any(piece[:n] in STOP_TERMS and is_common(piece[n:]) for n in range(2, len(piece) - 1))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def found_pieces(term: Term, text: str, bigrams: set[str] | None = None) -> list[str]:
    """The longest pieces of term that text (already folded) contains, left to right."""
    if term.kind == "latin":
        pattern = rf"(?<![0-9a-z]){re.escape(term.text)}(?![0-9a-z])"
        found = re.search(pattern, text) and not is_common(term.text)
        return [term.text] if found else []
    bigrams = _bigrams(text) if bigrams is None else bigrams
    run = term.text
    least = min(_MIN_PIECE[term.kind], len(run))
    pieces = []
    i = 0
    while i <= len(run) - least:
        if run[i : i + 2] not in bigrams:  # cheap test before the longer ones
            i += 1
            continue
        end = next(
            (j for j in range(len(run), i + least - 1, -1) if run[i:j] in text),
            None,
        )
        if end is None:
            i += 1
            continue
        piece = run[i:end]
        if not is_common(piece):
            pieces.append(piece)
        i = end
    return pieces


def score(
    terms: list[Term],
    field_names: dict[int, str],
    partner_field_ids: Iterable[int],
    themes: str,
    mission: str,
) -> tuple[int, list[str]]:
    """Score one partner against one issue: (score, reasons in Japanese); 0 means no fit.

    terms: issue_terms() of the issue; field_names: the issue's activity fields by id, in
    display order; themes and mission: the partner's texts, not yet folded.
    """
    partner_ids = set(partner_field_ids)
    shared = [name for pk, name in field_names.items() if pk in partner_ids]
    reasons = []
    if shared:
        reasons.append("分野が一致: " + "、".join(shared))
    words: set[str] = set()
    for label, text in (("活動テーマ", themes), ("ミッション", mission)):
        folded = normalize_for_search(text)
        if not folded:
            continue
        bigrams = _bigrams(folded)
        here: list[str] = []
        for term in terms:
            for piece in found_pieces(term, folded, bigrams):
                if piece not in here:
                    here.append(piece)
        # 海岸 adds nothing when 海岸清掃 is found too.
        here = [p for p in here if not any(p != q and p in q for q in here)]
        if here:
            reasons.append(f"{label}に語が一致: " + "、".join(here))
            words.update(here)
    return len(shared) * FIELD_WEIGHT + min(len(words), WORD_CAP), reasons


def _fields_of(obj) -> dict[int, str]:
    return {f.pk: f.name for f in obj.activity_fields.all()}


def rank_partners(issue: CityIssue, partners: Iterable[Partner]) -> list[PartnerMatch]:
    """The partners that fit issue, best first; archived partners never."""
    terms = issue_terms(issue.title, issue.description)
    fields = _fields_of(issue)
    matches = []
    for partner in partners:
        if partner.archived_at is not None:
            continue
        points, reasons = score(
            terms, fields, _fields_of(partner).keys(), partner.themes, partner.mission
        )
        if points:
            matches.append(PartnerMatch(partner, points, reasons))
    matches.sort(key=lambda m: (-m.score, m.partner.name_kana, m.partner.name, m.partner.pk))
    return matches


def rank_issues(partner: Partner, issues: Iterable[CityIssue]) -> list[IssueMatch]:
    """The issues that partner fits, best first (nothing for an archived partner)."""
    if partner.archived_at is not None:
        return []
    partner_fields = _fields_of(partner).keys()
    matches = []
    for issue in issues:
        points, reasons = score(
            issue_terms(issue.title, issue.description),
            _fields_of(issue),
            partner_fields,
            partner.themes,
            partner.mission,
        )
        if points:
            matches.append(IssueMatch(issue, points, reasons))
    # Among equals, the nearest deadline first: those are the ones a partner must not miss.
    matches.sort(key=lambda m: (-m.score, m.issue.open_until or date.max, -m.issue.pk))
    return matches


def partners_for_issue(issue: CityIssue, *, limit: int | None = None) -> list[PartnerMatch]:
    """Active partners that fit issue, best first, in two queries (plus the issue's fields)."""
    partners = (
        Partner.objects.active()
        .only("pk", "name", "name_kana", "kind", "themes", "mission", "archived_at")
        .prefetch_related("activity_fields")
    )
    matches = rank_partners(issue, partners)
    return matches[:limit] if limit is not None else matches


def open_issues_for_partner(partner: Partner, *, limit: int | None = None) -> list[IssueMatch]:
    """Open issues that partner fits, best first, in three queries (plus the partner's fields)."""
    if partner.archived_at is not None:
        return []
    issues = (
        CityIssue.objects.open().select_related("department").prefetch_related("activity_fields")
    )
    matches = rank_issues(partner, issues)
    return matches[:limit] if limit is not None else matches
