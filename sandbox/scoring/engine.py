"""The scorer: applies a rule pack to a response and builds an explainable score card.

Every family starts at 100 and loses exactly the points its findings carry (capped at 100), so a
trainer can trace each lost point to a finding. ``Scorer`` is immutable after construction and
keeps no per-call state, so one instance can score from several threads at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from sandbox.scenario.models import ActionKind, Family, Scenario
from sandbox.scoring.detectors import (
    DETECTORS,
    GATED_DETECTORS,
    TEXT_FREE_DETECTORS,
    Detector,
    Doc,
    Hit,
)
from sandbox.scoring.rulepack import (
    DEFAULT_PACK_PATH,
    PhraseMatcher,
    Rule,
    RulePack,
    RulePackError,
    When,
    load_rule_pack,
    text_words,
)
from sandbox.scoring.types import Finding, ScoreCard, ScoringContext, Severity

__all__ = ["DEFAULT_WEIGHTS", "Scorer", "default_scorer", "score_missed", "score_reply"]

DEFAULT_WEIGHTS: dict[Family, float] = {
    Family.risk: 0.35,
    Family.tone: 0.35,
    Family.timing: 0.15,
    Family.action: 0.15,
}
_FAMILY_ORDER = {
    f: i for i, f in enumerate((Family.risk, Family.tone, Family.timing, Family.action))
}
_TEXT_ACTIONS = (ActionKind.reply, ActionKind.private_message)
_MAX_HITS_PER_RULE = 20
# Within these id groups, overlapping findings are one problem: keep the costliest.
_EXCLUSIVE_GROUPS = (
    "risk.personal-data",
    "risk.abuse",
    "risk.politics",
    "risk.liability",
    "risk.staff",
    "risk.troll",
)
_NEGATION_RE = re.compile(
    r"(?<!\w)(?:not|n't|n’t|cannot|can't|can’t|never|no|unable\s+to|won't|won’t)(?:\s+\w+){0,2}\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    tokens: PhraseMatcher | None
    swaps: tuple[tuple[PhraseMatcher, str], ...]
    exceptions: PhraseMatcher | None
    text_rule: bool
    group: str
    # matchers that must all possibly match (by their word test) for the rule to fire at all:
    # most rules find nothing in a given reply, and one word-set lookup per reply says which
    gate: tuple[PhraseMatcher, ...]
    when_free: bool  # no ``when:`` conditions, so _applies need not run
    learned: bool
    detector: Detector | None


def _gate(rule: Rule, tokens: PhraseMatcher | None) -> tuple[PhraseMatcher, ...]:
    """The matchers a rule needs a match from to return any hit (exact: never skips a hit)."""
    if rule.type == "detector":
        gated = GATED_DETECTORS.get(rule.detector or "")
        found = gated(rule.params) if gated is not None else ()
    elif rule.type == "absence" or tokens is None:
        found = ()  # an absence rule fires when nothing matches
    else:
        found = (tokens,)
    return tuple(m for m in found if m.required_words is not None)


def _when_free(w: When) -> bool:
    return (
        w.pre_election is None
        and not w.author_kind
        and not w.action
        and w.needs_answer is None
        and w.expects_reply is None
        and w.post_has is None
        and w.post_lacks is None
    )


def _compile(rule: Rule) -> _Compiled:
    phrases = rule.tokens or tuple(rule.swap)
    tokens = PhraseMatcher(phrases, case_sensitive=rule.case_sensitive) if phrases else None
    swaps = tuple(
        (PhraseMatcher([k], case_sensitive=rule.case_sensitive), v) for k, v in rule.swap.items()
    )
    exceptions = PhraseMatcher(rule.exceptions) if rule.exceptions else None
    text_rule = not (rule.type == "detector" and rule.detector in TEXT_FREE_DETECTORS)
    group = ".".join(rule.id.split(".")[:2])
    learned = rule.type == "detector" and rule.detector == "learned_risk"
    detector = DETECTORS[rule.detector or ""] if rule.type == "detector" else None
    return _Compiled(
        rule,
        tokens,
        swaps,
        exceptions,
        text_rule,
        group,
        _gate(rule, tokens),
        _when_free(rule.when),
        learned,
        detector,
    )


class _SafeFormat(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


class Scorer:
    """A rule pack ready to score responses (build once, reuse; thread-safe)."""

    def __init__(
        self,
        pack: RulePack,
        *,
        disable: Iterable[str] = (),
        severity: Mapping[str, str] | None = None,
        allow: Iterable[str] = (),
    ) -> None:
        problems: list[str] = []
        ids = pack.ids
        disabled = frozenset(disable)
        for rid in sorted(disabled - ids):
            problems.append(f'cannot disable "{rid}": no such rule in the {pack.name} pack')
        rules: list[Rule] = []
        overrides = dict(severity or {})
        for rid, sev in overrides.items():
            if rid not in ids:
                problems.append(f'cannot change the severity of "{rid}": no such rule')
            elif sev not in Severity.__members__:
                problems.append(
                    f'severity for "{rid}" must be error, warning, info or praise, not "{sev}"'
                )
        if problems:
            raise RulePackError(problems)
        for r in pack.rules:
            if r.id in disabled:
                continue
            if r.id in overrides:
                r = r.with_severity(Severity(overrides[r.id]))
            rules.append(r)
        self.pack = pack
        self.allow_words = tuple(pack.allow) + tuple(allow)
        words, self._own_phones, self._own_emails = split_allow_words(self.allow_words)
        self._allow = PhraseMatcher(words)
        self._rules = tuple(_compile(r) for r in rules)
        self._gates = _GateIndex(m for c in self._rules for m in c.gate)
        self._rule_gates = tuple(self._gates.ids(c.gate) for c in self._rules)
        self.weights: dict[Family, float] = {**DEFAULT_WEIGHTS, **dict(pack.weights)}

    # ------------------------------------------------------------------ construction helpers

    @classmethod
    def from_files(cls, *paths: str | Path) -> Scorer:
        """The default pack plus extra pack files (an organisation's own words and rules)."""
        pack = _default_pack()
        for p in paths:
            pack = pack.merged(load_rule_pack(p, base=pack))
        return cls(pack)

    def with_settings(
        self,
        *,
        disable: Iterable[str] = (),
        severity: Mapping[str, str] | None = None,
        allow: Iterable[str] = (),
        packs: Iterable[str | Path] = (),
    ) -> Scorer:
        pack = self.pack
        for p in packs:
            pack = pack.merged(load_rule_pack(p, base=pack))
        return Scorer(pack, disable=disable, severity=severity, allow=tuple(allow))

    def for_scenario(self, scenario: Scenario, base_dir: str | Path | None = None) -> Scorer:
        """Apply a scenario's ``rules:`` block: extra packs (relative to ``base_dir``), switched-off
        rules, changed severities and allowed words. Unknown rule ids are errors."""
        settings = scenario.rules
        root = Path(base_dir) if base_dir is not None else Path.cwd()
        packs = [p if Path(p).is_absolute() else root / p for p in settings.packs]
        return self.with_settings(
            disable=settings.disable, severity=settings.severity, allow=settings.allow, packs=packs
        )

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(c.rule for c in self._rules)

    # ------------------------------------------------------------------ scoring

    def score(self, reply_text: str, context: ScoringContext) -> ScoreCard:
        """Score one response (reply, private message, escalation note, hide/like/leave)."""
        return self._score(reply_text or "", context, missed=False)

    def score_missed(self, context: ScoringContext) -> ScoreCard:
        """Score a post left without a response: silence is rude when it needed an answer.

        With an expectation that does not need an answer (leave, hide, like), leaving it alone
        was the right call and is scored as a deliberate ``leave``.
        """
        if context.expectation is not None and not context.expectation.needs_answer:
            return self._score("", replace(context, action=ActionKind.leave), missed=False)
        return self._score("", context, missed=True)

    def _score(self, text: str, ctx: ScoringContext, *, missed: bool) -> ScoreCard:
        extra_allow: PhraseMatcher | None = None
        phones, emails = self._own_phones, self._own_emails
        if ctx.allow_words:
            words, more_phones, more_emails = split_allow_words(ctx.allow_words)
            extra_allow = _matcher(words) if words else None
            phones, emails = phones + more_phones, emails + more_emails
        if phones or emails:
            ctx = replace(
                ctx,
                org_phone_numbers=ctx.org_phone_numbers + phones,
                org_email_domains=ctx.org_email_domains + emails,
            )
        doc = Doc(text=text, ctx=ctx, missed=missed)
        text_action = ctx.action in _TEXT_ACTIONS and not missed
        needs_answer = ctx.expectation.needs_answer if ctx.expectation else True
        allowed: list[tuple[int, int]] | None = None

        raw: list[tuple[_Compiled, Rule, Hit]] = []
        learned: tuple[_Compiled, Rule] | None = None
        possible = self._gates.possible(text) if text_action else frozenset()
        disabled, overrides = ctx.disabled_rules, ctx.severity_overrides
        public = ctx.action is ActionKind.reply
        for comp, gate in zip(self._rules, self._rule_gates, strict=True):
            if gate and not gate <= possible:
                continue  # a matcher it needs cannot match this text: no hits, skip its work
            rule = comp.rule
            if disabled and rule.id in disabled:
                continue
            if overrides and rule.id in overrides:
                sev = overrides[rule.id]
                if sev in Severity.__members__:
                    rule = rule.with_severity(Severity(sev))
            if comp.text_rule and (not text_action or (rule.public_only and not public)):
                continue
            if not comp.when_free and not _applies(rule, ctx, needs_answer):
                continue
            if comp.learned:
                learned = (comp, rule)  # runs last: it only looks at sentences rules left alone
                continue
            hits = self._hits(comp, rule, doc)
            if not hits:
                continue
            if comp.text_rule and rule.type not in ("absence", "praise"):
                if allowed is None:
                    allowed = self._allowed_spans(text, extra_allow)
                if rule.type == "detector":  # "12 Dick Turpin Way" is still an address
                    hits = [h for h in hits if not _inside_any(h, allowed)]
                else:  # a word inside an allowed name ("Scunthorpe") is not that word
                    hits = [h for h in hits if not _overlaps_any(h, allowed)]
                if comp.exceptions is not None:
                    exc = [m.span() for m in comp.exceptions.finditer(text)]
                    hits = [h for h in hits if not _overlaps_any(h, exc)]
            # a reply with 50,000 "!!" is one problem, not 50,000 findings
            raw.extend((comp, rule, h) for h in hits[:_MAX_HITS_PER_RULE])

        raw = _resolve_overlaps(raw)
        if learned is not None:
            raw.extend(_learned_hits(learned, raw, doc))
        findings = _price(raw)
        scores = self._family_scores(findings, ctx, text_action=text_action, missed=missed)
        weights = {f: w for f, w in self.weights.items() if scores.get(f) is not None and w > 0}
        total_w = sum(weights.values())
        if total_w:
            norm = {f: round(w / total_w, 4) for f, w in weights.items()}
            overall = round(sum(float(scores[f] or 0) * w for f, w in weights.items()) / total_w)
        else:
            norm, overall = {}, 100
        findings.sort(key=lambda f: (f.start, _FAMILY_ORDER[f.family], f.rule))
        return ScoreCard(
            scores=scores, overall=int(overall), weights=norm, findings=tuple(findings)
        )

    def _allowed_spans(self, text: str, extra: PhraseMatcher | None) -> list[tuple[int, int]]:
        spans = [m.span() for m in self._allow.finditer(text)]
        if extra is not None:
            spans += [m.span() for m in extra.finditer(text)]
        return spans

    def _hits(self, comp: _Compiled, rule: Rule, doc: Doc) -> list[Hit]:
        text = doc.text
        kind = rule.type
        if comp.detector is not None:
            return comp.detector(doc, rule.params)
        assert comp.tokens is not None
        if kind == "absence":
            return [] if comp.tokens.search(text) else [Hit(0, 0, "")]
        if kind == "praise":
            m = comp.tokens.search(text)
            return [Hit(m.start(), m.end(), m.group())] if m else []
        matches = list(comp.tokens.finditer(text))
        if rule.skip_negated:
            matches = [
                m
                for m in matches
                if not _NEGATION_RE.search(text, max(0, m.start() - 40), m.start())
            ]
        if kind == "occurrence":
            if len(matches) <= rule.max:
                return []
            m = matches[rule.max]
            return [Hit(m.start(), m.end(), m.group(), detail=f"{len(matches)} times")]
        if kind == "swap":
            hits = []
            for m in matches:
                plain = next((v for pm, v in comp.swaps if _full(pm, m.group())), "")
                hits.append(Hit(m.start(), m.end(), m.group(), suggestion=plain))
            return hits
        return [Hit(m.start(), m.end(), m.group()) for m in matches]

    def _family_scores(
        self, findings: Sequence[Finding], ctx: ScoringContext, *, text_action: bool, missed: bool
    ) -> dict[Family, int | None]:
        lost = {f: 0.0 for f in Family}
        for f in findings:
            lost[f.family] += f.points
        scores: dict[Family, int | None] = {}
        for fam in (Family.tone, Family.timing, Family.risk, Family.action):
            if fam in (Family.tone, Family.risk):
                applies = text_action
            elif fam is Family.timing:
                applies = missed or (
                    ctx.elapsed_minutes is not None and ctx.action is not ActionKind.leave
                )
            else:
                applies = missed or ctx.expectation is not None
            scores[fam] = round(100 - min(100.0, lost[fam])) if applies else None
        return scores


# ---------------------------------------------------------------------- helpers


class _GateIndex:
    """Which of many phrase matchers could match a text, from one pass over its words.

    Each matcher knows the words, word starts or characters one of which every match needs
    (``PhraseMatcher.required_words``); inverted indexes from those answer for all the matchers
    at once, so the ~100 rules that would find nothing in a reply cost a set test each.
    """

    def __init__(self, matchers: Iterable[PhraseMatcher]) -> None:
        self._ids: dict[int, int] = {}
        self._matchers: list[PhraseMatcher] = []  # held so that their ids stay theirs
        self._by_word: dict[str, list[int]] = {}
        self._by_prefix: dict[str, list[int]] = {}
        self._by_symbol: dict[str, list[int]] = {}
        for m in matchers:
            if id(m) in self._ids or m.required_words is None:
                continue
            j = self._ids[id(m)] = len(self._ids)
            self._matchers.append(m)
            words, prefixes, symbols = m.required_words
            for w in words:
                self._by_word.setdefault(w, []).append(j)
            for p in prefixes:
                self._by_prefix.setdefault(p, []).append(j)
            for ch in symbols:
                self._by_symbol.setdefault(ch, []).append(j)
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix})
        # a word line of the sorted word list that starts with any word start (rare: then each
        # length is looked up, so a word starting two of them counts for both)
        self._prefix_re = (
            re.compile("^(?:" + "|".join(map(re.escape, self._by_prefix)) + ")", re.MULTILINE)
            if self._by_prefix
            else None
        )
        self._symbol_re = (
            re.compile("[" + "".join(map(re.escape, self._by_symbol)) + "]")
            if self._by_symbol
            else None
        )

    def ids(self, matchers: Iterable[PhraseMatcher]) -> frozenset[int]:
        return frozenset(self._ids[id(m)] for m in matchers)

    def possible(self, text: str) -> frozenset[int]:
        """Ids of the matchers whose word test passes for ``text`` (as ``_may_match``)."""
        words, ordered = text_words(text)
        ok: set[int] = set()
        by_word = self._by_word
        for w in words:
            found = by_word.get(w)
            if found is not None:
                ok.update(found)
        if self._prefix_re is not None:
            joined = "\n".join(ordered)
            by_prefix = self._by_prefix
            for m in self._prefix_re.finditer(joined):
                line_end = joined.find("\n", m.start())
                word = joined[m.start() : line_end if line_end != -1 else len(joined)]
                for n in self._prefix_lengths:
                    if n > len(word):
                        break
                    found = by_prefix.get(word[:n])
                    if found is not None:
                        ok.update(found)
        if self._symbol_re is not None:
            for ch in set(self._symbol_re.findall(text)):
                ok.update(self._by_symbol[ch])
        return frozenset(ok)


def _full(pm: PhraseMatcher, s: str) -> bool:
    m = pm.search(s)
    return m is not None and m.start() == 0 and m.end() == len(s)


@lru_cache(maxsize=128)
def _matcher(phrases: tuple[str, ...]) -> PhraseMatcher:
    return PhraseMatcher(phrases)


def _overlaps_any(h: Hit, spans: Sequence[tuple[int, int]]) -> bool:
    if h.start == h.end:
        return False
    return any(s < h.end and h.start < e for s, e in spans)


def _inside_any(h: Hit, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= h.start and h.end <= e for s, e in spans)


_PHONE_LIKE = re.compile(r"^\+?[\d\s()-]{6,20}$")


@lru_cache(maxsize=64)
def _split_allow(
    words: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    plain: list[str] = []
    phones: list[str] = []
    emails: list[str] = []
    for w in words:
        w = w.strip()
        if "@" in w and " " not in w:
            emails.append(w)
        elif _PHONE_LIKE.match(w) and sum(ch.isdigit() for ch in w) >= 6:
            phones.append(w)
            plain.append(w)
        else:
            plain.append(w)
    return tuple(plain), tuple(phones), tuple(emails)


def split_allow_words(
    words: Sequence[str],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Allowed words, the organisation's own phone numbers and email addresses/domains.

    Scenario files list their official contact points under ``rules.allow``; numbers and
    addresses there must silence the personal-data detectors too, not just the word lists.
    """
    return _split_allow(tuple(words))


def _applies(rule: Rule, ctx: ScoringContext, needs_answer: bool) -> bool:
    w = rule.when
    if w.pre_election is not None and w.pre_election != ctx.pre_election:
        return False
    if w.author_kind and (ctx.author_kind or "") not in w.author_kind:
        return False
    if w.action and ctx.action not in w.action:
        return False
    if w.needs_answer is not None and w.needs_answer != needs_answer:
        return False
    if w.expects_reply is not None:
        expects = ctx.expectation is not None and ActionKind.reply in ctx.expectation.action
        if w.expects_reply != expects:
            return False
    if w.post_has is not None and w.post_has.search(ctx.post_text) is None:
        return False
    return not (w.post_lacks is not None and w.post_lacks.search(ctx.post_text) is not None)


def _learned_hits(
    learned: tuple[_Compiled, Rule], raw: list[tuple[_Compiled, Rule, Hit]], doc: Doc
) -> list[tuple[_Compiled, Rule, Hit]]:
    """The learned signal on sentences no risk rule flagged; each finding's id names its category
    (``risk.learned.politics``) so trainers and the evaluation can tell them apart."""
    from sandbox.scoring.learned import learned_findings

    comp, rule = learned
    alarms = [
        h
        for _c, r, h in raw
        if r.family is Family.risk and r.severity in (Severity.error, Severity.warning)
    ]
    flagged = [(h.start, h.end) for h in alarms if h.start != h.end]
    crisis = any(r.id.startswith("risk.crisis") for _c, r, _h in raw)
    found = learned_findings(
        doc, rule.params, skip=flagged, crisis_flagged=crisis, rules_alarmed=bool(alarms)
    )
    return [(comp, replace(rule, id=f"{rule.id}.{cat}"), h) for cat, h in found]


def _resolve_overlaps(raw: list[tuple[_Compiled, Rule, Hit]]) -> list[tuple[_Compiled, Rule, Hit]]:
    """One span, one problem: overlapping personal-data (etc.) findings keep the costliest."""
    keep: list[tuple[_Compiled, Rule, Hit]] = []
    contested = [r for r in raw if r[0].group in _EXCLUSIVE_GROUPS and r[2].start != r[2].end]
    others = [r for r in raw if not (r[0].group in _EXCLUSIVE_GROUPS and r[2].start != r[2].end)]
    contested.sort(
        key=lambda r: (-(r[2].points if r[2].points is not None else r[1].cost), r[2].start)
    )
    for item in contested:
        _, _rule, h = item
        group = item[0].group
        if any(k[0].group == group and k[2].start < h.end and h.start < k[2].end for k in keep):
            continue
        keep.append(item)
    return others + keep


def _price(raw: list[tuple[_Compiled, Rule, Hit]]) -> list[Finding]:
    """Turn hits into findings with points: per-rule caps, then each family capped at 100."""
    raw = sorted(raw, key=lambda r: (r[2].start, r[1].id))
    spent_rule: dict[str, int] = {}
    spent_family: dict[Family, int] = {}
    out: list[Finding] = []
    for _comp, rule, h in raw:
        if rule.severity is Severity.praise:
            pts = 0
        elif h.points is not None:
            pts = max(0, min(100, h.points))
        else:
            pts = rule.cost
            room = rule.cap - spent_rule.get(rule.id, 0)
            pts = max(0, min(pts, room))
        pts = max(0, min(pts, 100 - spent_family.get(rule.family, 0)))
        spent_rule[rule.id] = spent_rule.get(rule.id, 0) + pts
        spent_family[rule.family] = spent_family.get(rule.family, 0) + pts
        suggestion_text = h.suggestion
        if rule.type == "swap":
            suggestion_text = f'try "{h.suggestion}"' if h.suggestion else "leave it out"
        values = _SafeFormat(
            match=h.match,
            suggestion=suggestion_text or rule.suggestion or "",
            detail=h.detail,
            count=h.detail,
            max=rule.max,
        )
        message = rule.message.format_map(values)
        if rule.type == "swap":
            suggestion: str | None = (
                f'Use "{h.suggestion}" instead of "{h.match}".'
                if h.suggestion
                else f'Leave out "{h.match}".'
            )
        elif rule.suggestion:
            suggestion = rule.suggestion.format_map(values)
        else:
            suggestion = None
        out.append(
            Finding(
                rule=rule.id,
                family=rule.family,
                severity=rule.severity,
                start=h.start,
                end=h.end,
                match=h.match,
                message=message,
                suggestion=suggestion,
                source=rule.source,
                points=float(pts),
            )
        )
    return out


@lru_cache(maxsize=1)
def _default_pack() -> RulePack:
    return load_rule_pack(DEFAULT_PACK_PATH)


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The shipped rule pack, loaded once per process."""
    return Scorer(_default_pack())


def score_reply(reply_text: str, context: ScoringContext) -> ScoreCard:
    return default_scorer().score(reply_text, context)


def score_missed(context: ScoringContext) -> ScoreCard:
    return default_scorer().score_missed(context)
