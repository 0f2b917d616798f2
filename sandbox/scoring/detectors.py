"""Built-in named detectors that rule files refer to (``type: detector``).

Each detector is plain Python with bounded, linear-time patterns (safe on 100,000-character
input). It returns :class:`Hit` spans into the reply; the rule supplies family, severity and
message. Word lists a trainer may want to change come in through the rule's ``params``/``tokens``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from sandbox.scenario.models import ActionKind
from sandbox.scoring.politeness import strategy_spans
from sandbox.scoring.rulepack import PhraseMatcher
from sandbox.scoring.types import ScoringContext

__all__ = ["DETECTORS", "TEXT_FREE_DETECTORS", "Doc", "Hit", "nhs_number_valid", "uk_phone_numbers"]


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    match: str
    detail: str = ""
    suggestion: str | None = None
    points: int | None = None  # overrides the rule's cost (timing curve, partial credit)


@dataclass
class Doc:
    """One reply in its context, with lazily computed views shared by all rules."""

    text: str
    ctx: ScoringContext
    missed: bool = False
    _cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        out = []
        for m in _SENTENCE_RE.finditer(self.text):
            seg = m.group()
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if seg.strip():
                out.append((m.start() + lead, m.end() - trail))
        return out

    def sentence_of(self, pos: int) -> tuple[int, int]:
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return 0, len(self.text)

    @cached_property
    def post_items(self) -> list[tuple[str, str]]:
        """Personal data found in the post: (kind, text)."""
        return _personal_items(self.ctx.post_text)

    @cached_property
    def politeness(self) -> dict[str, list[tuple[int, int]]]:
        return strategy_spans(self.text)


_SENTENCE_RE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]*\s*|[.!?\s]+")
_WORDS_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]{0,60}")

# ----------------------------------------------------------------------------- phone numbers

_PHONE_RE = re.compile(
    r"(?<![\w+/£$])(?:\+\s?44\s?(?:\(0\)\s?)?|0044\s?|\(?0)(?=\d)[\d \-)(]{8,16}\d(?![\d])"
)
_PHONE_GROUP_RE = re.compile(r"\d+")


def uk_phone_numbers(text: str) -> list[tuple[int, int, str]]:
    """UK phone numbers as (start, end, national digits starting with 0).

    Trailing digit groups that would make the number too long are dropped, so
    "0300 123 4567 9am" finds "0300 123 4567".
    """
    out: list[tuple[int, int, str]] = []
    for m in _PHONE_RE.finditer(text):
        raw = m.group()
        international = raw.lstrip("(").startswith(("+", "00"))
        groups = list(_PHONE_GROUP_RE.finditer(raw))
        digits = ""
        end = None
        for i, g in enumerate(groups):
            part = g.group()
            if international and i == 0:
                part = (
                    part[4:]
                    if part.startswith("0044")
                    else part[2:]
                    if part.startswith("44")
                    else part
                )
                if not part:
                    continue
            if (
                international
                and digits == ""
                and part.startswith("0")
                and raw[g.start() - 1 : g.start()] == "("
            ):
                continue  # +44 (0) 20 ...
            candidate = digits + part
            if len(("0" if international else "") + candidate) > 11:
                break
            digits = candidate
            end = g.end()
        national = ("0" + digits) if international else digits
        if end is None or len(national) not in (10, 11) or not national.startswith("0"):
            continue
        if national.startswith("00"):
            continue
        out.append((m.start(), m.start() + end, national))
    return out


_OFFICIAL_PREFIXES = ("03", "0800", "0808")


def _phone_kind(national: str) -> str:
    if national.startswith(_OFFICIAL_PREFIXES):
        return "official"
    if national.startswith("07") and not national.startswith(("070", "076")):
        return "mobile"
    if national.startswith(("01", "02")):
        return "landline"
    return "other"


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def detect_uk_phone(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    kinds = set(params.get("kinds", ("mobile", "landline", "other")))
    own = {_digits(n) for n in doc.ctx.org_phone_numbers}
    own |= {_digits(n) for n in params.get("allow", ())}
    own = {("0" + d[2:]) if d.startswith("44") else d for d in own}
    hits = []
    for s, e, national in uk_phone_numbers(doc.text):
        kind = _phone_kind(national)
        if kind not in kinds or national in own:
            continue
        label = {"mobile": "a mobile number", "landline": "a landline number"}.get(
            kind, "a phone number"
        )
        hits.append(Hit(s, e, doc.text[s:e], detail=label))
    return hits


# ----------------------------------------------------------------------------- email

_LOCAL_CH = re.compile(r"[A-Za-z0-9._%+'-]")
_DOMAIN_CH = re.compile(r"[A-Za-z0-9.-]")
_PERSON_LOCAL_RE = re.compile(r"^[a-z]+[._-][a-z]+\d*$", re.IGNORECASE)


def emails(text: str) -> list[tuple[int, int, str, str]]:
    """Email addresses as (start, end, local part, domain), found from each "@" outwards.

    Scanning from "@" keeps this linear on any input (a plain regex would rescan long runs).
    """
    out = []
    pos = text.find("@")
    n = len(text)
    while pos != -1:
        s = pos
        while s > 0 and pos - s < 64 and _LOCAL_CH.match(text[s - 1]):
            s -= 1
        e = pos + 1
        while e < n and e - pos < 255 and _DOMAIN_CH.match(text[e]):
            e += 1
        while e > pos + 1 and text[e - 1] in ".-":
            e -= 1
        local, domain = text[s:pos].lstrip("."), text[pos + 1 : e]
        s = pos - len(local)
        if (
            local
            and "." in domain
            and re.fullmatch(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}", domain)
        ):
            out.append((s, e, local, domain.lower()))
        pos = text.find("@", pos + 1)
    return out


def detect_email(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    official = tuple(d.lower().lstrip("@") for d in params.get("official_domains", ()))
    own = tuple(d.lower().lstrip("@") for d in doc.ctx.org_email_domains)  # domains or addresses
    hits = []
    exact = {d for d in own if "@" in d}
    own = tuple(d for d in own if "@" not in d)
    for s, e, local, domain in emails(doc.text):
        if f"{local.lower()}@{domain}" in exact:
            continue
        if any(domain == d or domain.endswith("." + d) for d in own):
            if not _PERSON_LOCAL_RE.match(local):
                continue
            detail = "a named member of staff's email address"
        elif any(domain == d or domain.endswith("." + d) for d in official):
            if not _PERSON_LOCAL_RE.match(local):
                continue
            detail = "a named person's email address"
        else:
            detail = "a personal email address"
        hits.append(Hit(s, e, doc.text[s:e], detail=detail))
    return hits


# ----------------------------------------------------------------------------- postcode, address

_POSTCODE_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s{0,2}(\d[ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def detect_postcode(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    allow = {p.replace(" ", "").upper() for p in params.get("allow", ())}
    hits = []
    for m in _POSTCODE_RE.finditer(doc.text):
        code = m.group()
        # all-lowercase words such as "me2 4ab" are unlikely prose, but "b4 1pm" is not a postcode
        if (code.replace(" ", "").upper() in allow) or re.search(r"\d\s*[ap]m$", code, re.I):
            continue
        if code.islower() and not params.get("lowercase", False):
            continue
        hits.append(Hit(m.start(), m.end(), code, detail="a full postcode"))
    return hits


_STREET_TYPES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Court|Ct|Gardens|Gdns|"
    "Place|Pl|Terrace|Grove|Hill|Row|Walk|Mews|Square|Sq|Park|Rise|View|Parade|Green|Vale|Fields|Meadow|Wharf"
)
_ADDRESS_RE = re.compile(
    r"(?<![\w£$.,/:-])(?:(?:flat|apartment|apt)\s+\d{1,4}[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
    r"(?:[A-Z][a-z'’-]{1,20}\s+){1,3}(?:" + _STREET_TYPES + r")(?![A-Za-z])",
)
_AT_NUMBER_RE = re.compile(r"\b(?:at|from)\s+(?:number|no\.)\s+\d{1,4}[A-Za-z]?\b", re.IGNORECASE)
_HOUSE_NUMBER_RE = re.compile(
    r"\b(?:number|no\.?)\s+\d{1,4}[A-Za-z]?\s+(?:on|in)\s+[A-Z][a-z]+", re.IGNORECASE
)


def detect_street_address(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    hits = [
        Hit(m.start(), m.end(), m.group(), detail="a house number and street")
        for m in _ADDRESS_RE.finditer(doc.text)
    ]
    hits += [
        Hit(m.start(), m.end(), m.group(), detail="a house number")
        for m in _HOUSE_NUMBER_RE.finditer(doc.text)
    ]
    hits += [
        Hit(m.start(), m.end(), m.group(), detail="a house number")
        for m in _AT_NUMBER_RE.finditer(doc.text)
        if not any(h.start <= m.start() < h.end for h in hits)
    ]
    return hits


# ----------------------------------------------------------------------------- NI and NHS numbers

_NI_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-CEGHJ-TW-Z][A-CEGHJ-NP-TW-Z])\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?([A-D])(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_NI_BAD_PREFIX = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


_TITLED_NAME_RE = re.compile(
    r"(?<![\w'’])(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+(?:[A-Z]\.?\s+)?[A-Z][a-z'’-]{1,30}(?![\w])"
)


def detect_titled_name(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """ "Mr Dawson", "Mrs J Barker": a named private individual (staff use first names, if any)."""
    return [
        Hit(m.start(), m.end(), m.group(), detail="a named person")
        for m in _TITLED_NAME_RE.finditer(doc.text)
    ]


# Current GB format (2001 on): two letters, two digits, three letters; older prefix/suffix forms too.
_PLATE_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z]{2}\d{2}\s?[A-Z]{3}|[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])(?![A-Za-z0-9])"
)


def detect_vehicle_registration(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    out = []
    for m in _PLATE_RE.finditer(doc.text):
        plate = m.group()
        if _POSTCODE_RE.fullmatch(plate):  # "M1 1AE" is a postcode, not a plate
            continue
        out.append(Hit(m.start(), m.end(), plate, detail="a vehicle registration"))
    return out


def detect_ni_number(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    return [
        Hit(m.start(), m.end(), m.group(), detail="a National Insurance number")
        for m in _NI_RE.finditer(doc.text)
        if m.group(1).upper() not in _NI_BAD_PREFIX
    ]


_NHS_RE = re.compile(r"(?<![\d\w])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d\w])")


def nhs_number_valid(number: str) -> bool:
    """The NHS number modulus-11 check (the 10th digit is the check digit)."""
    d = _digits(number)
    if len(d) != 10:
        return False
    total = sum(int(ch) * w for ch, w in zip(d[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(d[9])


def detect_nhs_number(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    return [
        Hit(m.start(), m.end(), m.group(), detail="an NHS number")
        for m in _NHS_RE.finditer(doc.text)
        if nhs_number_valid(m.group())
    ]


# ----------------------------------------------------------------------------- account / case refs

_REF_CUE_RE = re.compile(
    r"(?<!\w)(?:ref(?:erence)?|account|acct|case|claim|customer|tenancy|application|booking|"
    r"ticket|invoice|payment|order|enquiry|complaint|crime|incident)"
    r"(?:\s+(?:no\.?|number|num|ref(?:erence)?|id))?(?:\s+ending(?:\s+in)?)?\s{0,3}(?:is\s+|:|#|-)?\s{0,3}"
    r"([A-Z]{0,5}[-/]?\d[\d/-]{2,18}\d)(?![\w/])",
    re.IGNORECASE,
)
_REF_BARE_RE = re.compile(r"(?<![\w/£$.,:-])([A-Z]{1,5}[-/]?\d{5,16}|\d{7,16})(?![\w/])")


_PUBLIC_REF_BEFORE_RE = re.compile(
    r"(?<!\w)(?:planning\s+application|under\s+application|planning\s+ref(?:erence)?|planning\s+appeal|agenda\s+item|"
    r"premises\s+licence|TPO)\s*(?:no\.?|number|ref\.?)?\s*:?\s*$",
    re.IGNORECASE,
)


def detect_account_reference(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    hits: dict[tuple[int, int], Hit] = {}
    for m in _REF_CUE_RE.finditer(doc.text):
        s, e = m.span(1)
        if _PUBLIC_REF_BEFORE_RE.search(doc.text, max(0, s - 30), s):
            continue  # planning applications and committee items are public records
        if len(_digits(m.group(1))) >= 4:
            hits[(s, e)] = Hit(s, e, m.group(1), detail="an account or case reference")
    for m in _REF_BARE_RE.finditer(doc.text):
        s, e = m.span(1)
        if any(h.start <= s < h.end for h in hits.values()):
            continue
        if _PUBLIC_REF_BEFORE_RE.search(doc.text, max(0, s - 30), s):
            continue  # planning applications and committee items are public records
        hits[(s, e)] = Hit(s, e, m.group(1), detail="what looks like an account or case reference")
    return sorted(hits.values(), key=lambda h: h.start)


# ----------------------------------------------------------------------------- solicitation

_DATA_NOUNS = (
    r"(?:full\s+)?(?:home\s+)?address|postcode|post\s+code|date\s+of\s+birth|d\.?o\.?b|birthday|"
    r"(?:council\s+tax\s+)?(?:account|reference|ref|customer|tenancy|case|claim|policy)\s+(?:number|no|ref|reference|details)|"
    r"(?:phone|mobile|contact|telephone)\s+(?:number|no|details)|number|"
    r"(?:ni|national\s+insurance|nhs)\s+(?:number|no)|email(?:\s+address)?|full\s+name|name\s+and\s+address|"
    r"(?:bank|card|payment|personal|contact)\s+details|details|address\s+details|registration"
)
_SOLICIT_RE = re.compile(
    r"(?<!\w)(?:your|his|her|their|the\s+(?:child|person|man|woman|boy|girl|kid)['’]s)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:" + _DATA_NOUNS + r"|name|school)(?!\w)",
    re.IGNORECASE,
)
_HARD_VERBS = re.compile(
    r"(?<!\w)(?:(?:reply|post|comment|tweet|write)\s+(?:with|your|it|them|below|here|publicly|back)|"
    r"publicly|below|in\s+the\s+(?:comments|replies|thread)|on\s+here|here)(?!\w)",
    re.IGNORECASE,
)
_SOFT_VERBS = re.compile(
    r"(?<!\w)(?:send|share|tell|give|provide|pop|put|drop|leave|let\s+us|confirm|include|add|"
    r"write|what(?:'s|’s|\s+is)|can\s+we\s+(?:have|get|take)|need|grab|message|pass|check)(?!\w)|\?",
    re.IGNORECASE,
)
_NEGATED_REQUEST = re.compile(
    r"(?<!\w)(?:don't|don’t|do\s+not|never|please\s+avoid|no\s+need\s+to|avoid|not\s+to|without|keep|"
    r"hidden|hid|removed|deleted|included|includes|contained|contains|had|has|protect)(?!\w)",
    re.IGNORECASE,
)


_CLAUSE_BREAK_RE = re.compile(r"[;:–—]|,\s+(?:and|but|so|or)\s|\s-\s")


def _clause(text: str, s: int, e: int, pos: int) -> tuple[int, int]:
    """The clause of the sentence [s, e) that contains ``pos`` (split at ; : dashes, ", and")."""
    start, end = s, e
    for m in _CLAUSE_BREAK_RE.finditer(text, s, e):
        if m.end() <= pos:
            start = m.end()
        elif m.start() > pos:
            end = m.start()
            break
    return start, end


def detect_solicitation(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    private = _matcher(tuple(params.get("private_channels", ())))
    reply_private = private.search(doc.text) is not None
    hits = []
    for m in _SOLICIT_RE.finditer(doc.text):
        s, e = doc.sentence_of(m.start())
        sentence = doc.text[s:e]
        cs, ce = _clause(doc.text, s, e, m.start())
        clause = doc.text[cs:ce]
        if _NEGATED_REQUEST.search(clause):
            continue
        hard = _HARD_VERBS.search(clause) is not None
        soft = _SOFT_VERBS.search(clause) is not None
        if not (hard or soft):
            continue
        if private.search(sentence):
            continue
        if not hard and reply_private:
            continue
        hits.append(
            Hit(m.start(), m.end(), m.group(), detail="asks for personal details in public")
        )
    return hits


# ----------------------------------------------------------------------------- repeated from post

_NAME_RE = re.compile(
    r"(?i:my\s+name\s+is|i\s+am|i'm|i’m|this\s+is|name:)\s+([A-Z][a-z'’-]+\s+[A-Z][a-z'’-]+)"
)


def _personal_items(text: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for s, e, _n in uk_phone_numbers(text):
        items.append(("phone number", text[s:e]))
    for s, e, _l, _d in emails(text):
        items.append(("email address", text[s:e]))
    for m in _POSTCODE_RE.finditer(text):
        if not m.group().islower():
            items.append(("postcode", m.group()))
    for m in _ADDRESS_RE.finditer(text):
        items.append(("address", m.group()))
    for m in _NI_RE.finditer(text):
        items.append(("National Insurance number", m.group()))
    for m in _NHS_RE.finditer(text):
        if nhs_number_valid(m.group()):
            items.append(("NHS number", m.group()))
    for m in _REF_CUE_RE.finditer(text):
        items.append(("account or case reference", m.group(1)))
    for m in _REF_BARE_RE.finditer(text):
        items.append(("account or case reference", m.group(1)))
    for m in _NAME_RE.finditer(text):
        items.append(("full name", m.group(1)))
    return items


@lru_cache(maxsize=512)
def _item_pattern(item: str) -> re.Pattern[str]:
    if any(ch.isdigit() for ch in item) and sum(ch.isalpha() for ch in item) <= 5:
        core = _digits(item) if not any(ch.isalpha() for ch in item) else re.sub(r"[\s-]", "", item)
        body = r"[\s-]?".join(re.escape(ch) for ch in core)
    else:
        body = r"\s+".join(re.escape(w) for w in item.split())
    return re.compile(r"(?<![\w])" + body + r"(?![\w])", re.IGNORECASE)


def detect_repeated_personal_data(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    hits = []
    for kind, item in doc.post_items:
        if len(item) < 5:
            continue
        for m in _item_pattern(item).finditer(doc.text):
            hits.append(
                Hit(m.start(), m.end(), m.group(), detail=f"the person's {kind} from their post")
            )
    return hits


# ----------------------------------------------------------------------------- abuse, crisis, tone


def _post_has(doc: Doc, key: str, phrases: Sequence[str]) -> bool:
    cache_key = "post_has:" + key
    if cache_key not in doc._cache:
        doc._cache[cache_key] = _matcher(tuple(phrases)).search(doc.ctx.post_text) is not None
    return bool(doc._cache[cache_key])


@lru_cache(maxsize=2048)
def _matcher(phrases: tuple[str, ...], case_sensitive: bool = False) -> PhraseMatcher:
    return PhraseMatcher(phrases, case_sensitive=case_sensitive)


@lru_cache(maxsize=2048)
def _post_compound(post: str) -> float:
    """VADER compound of a post, cached: the timeline scores the same post many times."""
    return float(_vader().polarity_scores(post[:5000])["compound"])


def detect_missing_after_post(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """The reply lacks ``tokens`` although the post calls for them.

    The post "calls for them" when it has at least ``min_cues`` distinct cue phrases, or one
    cue and a VADER compound at or below ``post_negative`` — one weak word ("still") alone is
    not a complaint.
    """
    cues = _matcher(tuple(params.get("post_cues", ())))
    found = {m.group().lower() for m in cues.finditer(doc.ctx.post_text)}
    if not found:
        return []
    enough = len(found) >= int(params.get("min_cues", 1))
    if not enough and "post_negative" in params:
        enough = _post_compound(doc.ctx.post_text) <= float(params["post_negative"])
    if not enough:
        return []
    if _matcher(tuple(params.get("tokens", ()))).search(doc.text):
        return []
    return [Hit(0, 0, "", detail=", ".join(sorted(found)[:3]))]


_ROLE = (
    r"(?:officer|driver|inspector|manager|worker|handler|advisor|adviser|assistant|supervisor|"
    r"warden|caretaker|cleaner|operative|engineer|surveyor|nurse|co-?ordinator|crew\s+member|"
    r"member\s+of\s+staff|colleague|social\s+worker|librarian|receptionist|agent|planner|lead|director|"
    r"head\s+of\s+[a-z]+|chief\s+executive)"
)
_NAME = r"([A-Z][a-z'’]{1,20}(?:\s+[A-Z][a-z'’-]{1,20})?)"
_STAFF_NAME_RES = (
    # "Our officer Karen", "Your housing officer is Jason Reed", "our gritter driver on that route, Steve"
    re.compile(
        r"(?<!\w)(?:[Oo]ur|[Yy]our|[Tt]he)\s+(?:[a-z-]+\s+){0,2}"
        + _ROLE
        + r"(?:\s+(?:on|for|at|in)\s+(?:[a-z]+\s+){0,3}?[a-z]+)?,?\s+(?:is\s+|was\s+|called\s+)?"
        + _NAME
        + r"(?![\w'’])"
    ),
    # "Mark, our highways inspector"
    re.compile(
        r"(?<![\w'’])" + _NAME + r",\s+(?:our|your|the)\s+(?:[a-z-]+\s+){0,2}" + _ROLE + r"(?!\w)"
    ),
    # "Paula from the parking team", "Sharon in repairs", "Kerry from our team"
    re.compile(
        r"(?<![\w'’])" + _NAME + r"\s+(?:from|in|on|at)\s+(?:our\s+|the\s+)?(?:[a-z-]+\s+){0,2}?"
        r"(?:team|office|department|crew|round|desk|repairs|depot|contact\s+centre|call\s+centre)(?!\w)"
    ),
    # "ring Claire direct on ...", "email Tom directly": a person's own line, not a service
    re.compile(
        r"(?<![\w'’])(?:[Rr]ing|[Cc]all|[Pp]hone|[Tt]ext|[Ee]mail|[Mm]essage|[Aa]sk\s+for|[Ss]peak\s+to)\s+"
        + _NAME
        + r"\s+(?:direct(?:ly)?|on\s+(?:his|her|their)\b|on\s+07|at\s+home)"
    ),
    # "that was Dave Hirst", "the call handler you spoke to, Tom"
    re.compile(
        r"(?<!\w)(?:[Tt]hat\s+was|[Tt]hat\s+would\s+have\s+been|you\s+spoke\s+to,?|you\s+mention(?:ed)?,?)\s+"
        + _NAME
        + r"(?![\w'’])"
    ),
)
_NOT_NAMES = frozenset(
    {
        "Apologies",
        "Samaritans",
        "Childline",
        "Shout",
        "Cruse",
        "Refuge",
        "Shelter",
        "Mind",
        "Age",
        "Citizens",
        "Action",
        "Crimestoppers",
        "Police",
        "Us",
        "Morning",
        "Afternoon",
        "Evening",
        "Hiya",
        "Cheers",
        "Update",
        "Good",
        "Great",
        "Right",
        "Okay",
        "Ok",
        "The",
        "We",
        "Our",
        "You",
        "Your",
        "Thanks",
        "Thank",
        "Sorry",
        "Please",
        "Hi",
        "Hello",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Council",
        "Highways",
        "Housing",
        "Waste",
        "Customer",
        "Services",
        "Team",
        "Yes",
        "No",
        "It",
        "They",
        "He",
        "She",
        "This",
        "That",
        "If",
        "When",
        "Today",
        "Tomorrow",
    }
)


def detect_staff_name(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """A named member of staff tied to a role or team: staff are not named in public (R3)."""
    hits: dict[tuple[int, int], Hit] = {}
    places = {p.lower() for p in params.get("not_names", ())}
    for rx in _STAFF_NAME_RES:
        for m in rx.finditer(doc.text):
            name = m.group(1)
            first = name.split()[0]
            if first in _NOT_NAMES or first.lower() in places:
                continue
            hits[m.span()] = Hit(m.start(), m.end(), m.group(), detail=name)
    return sorted(hits.values(), key=lambda h: h.start)


_GREETING_BEFORE_RE = re.compile(
    r"(?:\b(?:hi|hello|hey|hiya|dear|thanks|thank\s+you|sorry|morning|afternoon|evening|cheers|welcome|"
    r"yes|no|ok|okay|of\s+course|congratulations|well\s+done|bye|night))\s*$",
    re.IGNORECASE,
)
_COMMA_BEFORE_RE = re.compile(r",\s*$")
_VOCATIVE_AFTER_RE = re.compile(
    r"\s*(?:$|[,.!?:;)]|\s+(?:we|we'll|we’ll|we've|we’ve|we're|we’re|our|I|I'm|I’m|sorry|thanks|please)\b)"
)
_PLACE_AFTER_RE = re.compile(
    r"\s*(?:'s|’s)?\s+(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Way|Park|Court|Hall|House|Hospital|"
    r"Church|School|Academy|Centre|Center|Ward|Square|Drive|Crescent|Grove|Place|Terrace|Gardens|Green|Walk|"
    r"Row|Hill|Bridge|Library|Surgery|Practice|Trust|Fund|Foundation|Memorial)\b"
)


def detect_staff_first_name(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """A first name in the same sentence as work details ("Janet was on the desk, she's off sick").

    Why: staff are named in countless ways the role patterns miss. A name alone is not enough
    (replies greet residents by name), so the name must not be a greeting or vocative ("Hi
    Becky", "Sorry, Steve"), not part of a place ("Victoria Road"), and must share its sentence
    with a staff cue (a role, shift, sickness, leave, "will call you").
    """
    names = _matcher(tuple(params.get("names", ())), case_sensitive=True)
    cues = _matcher(tuple(params.get("cues", ())))
    text = doc.text
    sentences = doc.sentences
    starts = [s for s, _ in sentences]
    cue_sentences: set[int] = set()
    for m in cues.finditer(text):
        i = bisect_right(starts, m.start()) - 1
        if i >= 0:
            cue_sentences.add(i)
    if not cue_sentences:
        return []
    hits: list[Hit] = []
    for m in names.finditer(text):
        i = bisect_right(starts, m.start()) - 1
        if i < 0 or i not in cue_sentences:
            continue
        if _GREETING_BEFORE_RE.search(text, max(0, m.start() - 20), m.start()):
            continue  # "Hi Becky", "Thanks Steve"
        if _COMMA_BEFORE_RE.search(
            text, max(0, m.start() - 3), m.start()
        ) and _VOCATIVE_AFTER_RE.match(text, m.end()):
            continue  # "Sorry, Steve." / "..., Sharon, we'll..." addresses the resident
        if m.start() == sentences[0][0] and text[m.end() : m.end() + 1] in (",", "!"):
            continue  # "Becky, we've booked..." addresses the resident
        if _PLACE_AFTER_RE.match(text, m.end()):
            continue
        hits.append(Hit(m.start(), m.end(), m.group(), detail=m.group()))
    return hits


def detect_troll_argument(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Arguing with an abusive account: only when the author is a troll or the post is abuse."""
    kinds = tuple(params.get("author_kinds", ("troll",)))
    abusive = doc.ctx.author_kind in kinds or _post_has(
        doc, "abuse", tuple(params.get("abusive_post", ()))
    )
    if not abusive:
        return []
    cues = _matcher(tuple(params.get("cues", ())))
    hits = [
        Hit(m.start(), m.end(), m.group(), detail="argues with an abusive account")
        for m in cues.finditer(doc.text)
    ]
    if params.get("second_person"):
        # a calm correction states facts; addressing the account ("you", "your") turns it into a row
        hits += [
            Hit(m.start(), m.end(), m.group(), detail="addresses the abusive account directly")
            for m in _YOU_RE.finditer(doc.text)
        ]
    return hits


_YOU_RE = re.compile(
    r"(?<!\w)(?:you|your|you're|you’re|yourself|you'd|you’d|you've|you’ve)(?!\w)", re.IGNORECASE
)


_CAPS_RUN_RE = re.compile(r"(?<![\w@#])[A-Z][A-Z'’&]+(?![\w])(?:[ \t,]+[A-Z][A-Z'’&]+(?![\w]))*")


def detect_caps(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    acronyms = {a.upper() for a in params.get("acronyms", ())}
    emphasis = {a.upper() for a in params.get("emphasis_words", ())}
    hits = []
    for m in _CAPS_RUN_RE.finditer(doc.text):
        words = [w for w in re.split(r"[ \t,]+", m.group()) if w and w.upper() not in acronyms]
        # one capitalised word is usually an acronym (CAMHS, SHOUT); emphasis words are not
        if len(words) >= 2 or any(w.upper().replace("’", "'") in emphasis for w in words):
            hits.append(Hit(m.start(), m.end(), m.group()))
    return hits


_FIRST_PERSON_RE = re.compile(
    r"(?<!\w)(?:we|we're|we’re|we've|we’ve|we'll|we’ll|we'd|we’d|us|our|ours|i|i'm|i’m|i've|i’ve|"
    r"i'll|i’ll|me|my|let's|let’s)(?!\w)",
    re.IGNORECASE,
)


def detect_impersonal(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """No "we" or "I" anywhere: the reply reads like a notice, not a person (T1)."""
    words = _WORDS_RE.findall(doc.text)
    if len(words) < int(params.get("min_words", 1)) or _FIRST_PERSON_RE.search(doc.text):
        return []
    if _matcher(tuple(params.get("human_touch", ()))).search(doc.text):
        return []  # "Hi Gaz, ...", "Thanks Jo, ..." are personal without a "we"
    return [Hit(0, 0, "")]


_SPECIFIC_RE = re.compile(
    r"\d|https?://|www\.|\b[\w-]{1,60}\.(?:gov\.uk|nhs\.uk|org\.uk|co\.uk|uk|com|org)\b|"
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
    r"\b(?:today|tomorrow|tonight|this\s+(?:morning|afternoon|evening|week))\b|"
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)


def detect_no_specifics(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Nothing concrete: no link, number, day or time and no next-step phrase (T3)."""
    if _SPECIFIC_RE.search(doc.text) or _matcher(tuple(params.get("tokens", ()))).search(doc.text):
        return []
    return [Hit(0, 0, "")]


def detect_sentence_length(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    limit = int(params.get("max_words", 25))
    hits = []
    for s, e in doc.sentences:
        n = sum(1 for w in doc.text[s:e].split() if any(ch.isalnum() for ch in w))
        if n > limit:
            hits.append(Hit(s, e, doc.text[s:e], detail=f"{n} words"))
    return hits


def detect_too_long(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    limit = doc.ctx.char_limit
    if doc.ctx.action is not ActionKind.reply or len(doc.text) <= limit:
        return []
    return [
        Hit(
            limit,
            len(doc.text),
            doc.text[limit:],
            detail=f"{len(doc.text)} characters; the limit is {limit}",
        )
    ]


def detect_curt(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """A bare "Noted." or "OK" to someone who needed an answer."""
    words = _WORDS_RE.findall(doc.text)
    if 0 < len(words) <= int(params.get("max_words", 3)):
        n = len(words)
        start, end = len(doc.text) - len(doc.text.lstrip()), len(doc.text.rstrip())
        return [Hit(start, end, doc.text[start:end], detail=f"{n} word{'s' if n != 1 else ''}")]
    return []


def detect_brush_off(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """A short reply with no warmth and no next step ("Speeding is a police matter.").

    Why: brush-offs come in endless wordings, but they share a shape: one or two short
    sentences that neither acknowledge the person nor give them anything to do.
    """
    words = _WORDS_RE.findall(doc.text)
    if not 0 < len(words) <= int(params.get("max_words", 12)):
        return []
    if _SPECIFIC_RE.search(doc.text) or _matcher(tuple(params.get("tokens", ()))).search(doc.text):
        return []
    start, end = len(doc.text) - len(doc.text.lstrip()), len(doc.text.rstrip())
    return [Hit(start, end, doc.text[start:end], detail=f"{len(words)} words")]


def detect_politeness(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    name = str(params.get("strategy", ""))
    key = "politeness:" + name
    if key not in doc._cache:
        doc._cache[key] = strategy_spans(doc.text, only=name).get(name, [])
    spans = doc._cache[key]
    return [Hit(s, e, doc.text[s:e]) for s, e in spans]


_VADER: Any = None


def _vader() -> Any:
    global _VADER
    if _VADER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _VADER = SentimentIntensityAnalyzer()
    return _VADER


def detect_negative_sentiment(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """VADER as one weak signal: a clearly negative reply overall (never the tone score)."""
    threshold = float(params.get("threshold", -0.5))
    if len(doc.text) > 5000:
        return []
    # "We're so sorry, this must be frightening" is negative to VADER and exactly right.
    if _matcher(tuple(params.get("unless", ()))).search(doc.text):
        return []
    compound = float(_vader().polarity_scores(doc.text)["compound"])
    if compound <= threshold:
        return [Hit(0, 0, "", detail=f"VADER compound {compound:+.2f}")]
    return []


def _point_matches(doc: Doc, phrases: Sequence[str]) -> re.Match[str] | None:
    return _matcher(tuple(phrases)).search(doc.text)


def detect_covers_missing(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    exp = doc.ctx.expectation
    if exp is None:
        return []
    return [
        Hit(0, 0, "", detail=p.label) for p in exp.covers if _point_matches(doc, p.any_of) is None
    ]


def detect_covers_met(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    exp = doc.ctx.expectation
    hits = []
    for p in exp.covers if exp else ():
        m = _point_matches(doc, p.any_of)
        if m:
            hits.append(Hit(m.start(), m.end(), m.group(), detail=p.label))
    return hits


_NEGATED_MENTION = re.compile(
    r"(?<!\w)(?:can't|can’t|cannot|can\s+not|won't|won’t|don't|don’t|do\s+not|never|unable\s+to|not\s+able\s+to|isn't|isn’t|not)(?!\w)",
    re.IGNORECASE,
)


def detect_must_not_say(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    exp = doc.ctx.expectation
    hits = []
    for p in exp.must_not_say if exp else ():
        for m in _matcher(tuple(p.any_of)).finditer(doc.text):
            s, _e = doc.sentence_of(m.start())
            if _NEGATED_MENTION.search(doc.text, s, m.start()):
                continue  # "we can't say who to vote for" is not saying it
            hits.append(Hit(m.start(), m.end(), m.group(), detail=p.label))
    return hits


# ----------------------------------------------------------------------------- timing and action


def timing_points(elapsed: float, target: float, zero_at: float = 4.0) -> int:
    """Points lost for replying after ``elapsed`` minutes against ``target`` (graded curve)."""
    from sandbox.scoring.timing import timing_score

    return 100 - timing_score(elapsed, target, zero_at=zero_at)


def detect_timing_late(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    ctx = doc.ctx
    if doc.missed or ctx.elapsed_minutes is None or ctx.action is ActionKind.leave:
        return []
    target = ctx.target_minutes or float(params.get("default_target", 240))
    lost = timing_points(ctx.elapsed_minutes, target, float(params.get("zero_at", 4.0)))
    if lost <= 0:
        return []
    return [
        Hit(
            0,
            0,
            "",
            detail=f"{_minutes(ctx.elapsed_minutes)} against a target of {_minutes(target)}",
            points=lost,
        )
    ]


def detect_timing_on_time(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    ctx = doc.ctx
    if doc.missed or ctx.elapsed_minutes is None or ctx.action is ActionKind.leave:
        return []
    target = ctx.target_minutes or float(params.get("default_target", 240))
    if ctx.elapsed_minutes <= target:
        return [
            Hit(
                0,
                0,
                "",
                detail=f"{_minutes(ctx.elapsed_minutes)} against a target of {_minutes(target)}",
            )
        ]
    return []


def detect_missed(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    return [Hit(0, 0, "", detail="no response", points=100)] if doc.missed else []


def _minutes(m: float) -> str:
    if m < 90:
        return f"{m:.0f} min"
    return f"{m / 60:.1f} h"


def _expected(doc: Doc) -> tuple[ActionKind, ...]:
    exp = doc.ctx.expectation
    return tuple(exp.action) if exp else ()


def detect_action_mismatch(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    expected = _expected(doc)
    if doc.missed or not expected or doc.ctx.action in expected:
        return []
    want = " or ".join(a.value.replace("_", " ") for a in expected)
    return [
        Hit(0, 0, "", detail=f"you chose {doc.ctx.action.value.replace('_', ' ')}; expected {want}")
    ]


def detect_wrong_team(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    exp = doc.ctx.expectation
    if doc.missed or exp is None or exp.team is None or doc.ctx.action is not ActionKind.escalate:
        return []
    if ActionKind.escalate not in exp.action or doc.ctx.team == exp.team:
        return []
    chosen = doc.ctx.team or "no team"
    return [Hit(0, 0, "", detail=f"sent to {chosen}; expected {exp.team}")]


def detect_action_ok(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    exp = doc.ctx.expectation
    if doc.missed or exp is None or doc.ctx.action not in exp.action:
        return []
    if doc.ctx.action is ActionKind.escalate and exp.team and doc.ctx.team != exp.team:
        return []
    what = doc.ctx.action.value.replace("_", " ")
    if doc.ctx.action is ActionKind.escalate and doc.ctx.team:
        what += f" to {doc.ctx.team}"
    return [Hit(0, 0, "", detail=what)]


# A word with masking symbols inside ("f***", "sh*te", "b@stard"): bounded runs keep it linear,
# and the edges exclude e-mail addresses ("ab@cd.com") and hashtags.
_MASKED_WORD_RE = re.compile(
    r"(?<![\w@.*#$%!&])([A-Za-z]{1,4}[*@#$%!]{1,5}[A-Za-z*@#$%!]{0,8})(?![\w@.&])"
)
_MASK_RUN_RE = re.compile(r"[*@#$%!]+")


def _masked_pattern(word: str) -> re.Pattern[str]:
    """A masked word as a pattern: each run of k symbols stands for 1 to k+1 letters."""
    parts: list[str] = []
    pos = 0
    for m in _MASK_RUN_RE.finditer(word):
        parts.append(re.escape(word[pos : m.start()].lower()))
        parts.append(f"[a-z]{{1,{len(m.group()) + 1}}}")
        pos = m.end()
    parts.append(re.escape(word[pos:].lower()))
    return re.compile("".join(parts))


def detect_masked_profanity(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Profanity with letters swapped for symbols is still profanity (R8): "f***", "b@stard"."""
    words = tuple(w.lower() for w in params.get("words", ()))
    hits: list[Hit] = []
    for m in _MASKED_WORD_RE.finditer(doc.text):
        word = m.group(1).rstrip("!")
        if not _MASK_RUN_RE.search(word) or len(word) < 3:
            continue
        rx = _masked_pattern(word)
        if any(rx.fullmatch(w) for w in words):
            hits.append(Hit(m.start(), m.start() + len(word), word, detail="masked profanity"))
    return hits


_GROUP_KEYS = ("first", "second", "third")


def _disjoint_choice(options: list[list[tuple[int, int]]]) -> list[tuple[int, int]] | None:
    """One span from each list with no two overlapping (lists hold at most four spans)."""
    chosen: list[tuple[int, int]] = []

    def pick(k: int) -> bool:
        if k == len(options):
            return True
        for span in options[k]:
            if all(span[1] <= c[0] or c[1] <= span[0] for c in chosen):
                chosen.append(span)
                if pick(k + 1):
                    return True
                chosen.pop()
        return False

    return list(chosen) if pick(0) else None


def detect_cooccurrence(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Phrases from every group (``first``, ``second``, optional ``third``) in one sentence.

    Why: most risky replies say an idea in words nobody listed ("that one's on us ... we'll
    settle it"); pairing a small set of subjects with a small set of verdicts covers the idea
    with few false alarms, because each word alone is harmless. Each group is scanned once with
    the linear phrase matcher, then matches are bucketed by sentence.
    """
    groups = [tuple(params[k]) for k in _GROUP_KEYS if params.get(k)]
    if len(groups) < 2:
        return []
    negated = bool(params.get("skip_negated"))
    sentences = doc.sentences
    starts = [s for s, _ in sentences]
    found: list[dict[int, list[tuple[int, int]]]] = []
    for phrases in groups:
        per_sentence: dict[int, list[tuple[int, int]]] = {}
        for m in _matcher(phrases).finditer(doc.text):
            i = bisect_right(starts, m.start()) - 1
            if i < 0 or m.start() >= sentences[i][1]:
                continue
            if negated and _NEGATED_BEFORE_RE.search(
                doc.text, max(sentences[i][0], m.start() - 30), m.start()
            ):
                continue
            spans = per_sentence.setdefault(i, [])
            if len(spans) < 4:  # a few candidates per sentence are plenty
                spans.append(m.span())
        if not per_sentence:
            return []
        found.append(per_sentence)
    vetoed: set[int] = set()
    if params.get("unless"):  # a sentence with any of these is advice or a refusal, not the risk
        for m in _matcher(tuple(params["unless"])).finditer(doc.text):
            vetoed.add(bisect_right(starts, m.start()) - 1)
    hits = []
    for i in sorted(set.intersection(*(set(f) for f in found)) - vetoed):
        chosen = _disjoint_choice([f[i] for f in found])
        if chosen is None:
            continue  # one phrase can't count twice ("on your account" is not two cues)
        start, end = min(s for s, _ in chosen), max(e for _, e in chosen)
        hits.append(Hit(start, end, doc.text[start:end], detail=str(params.get("detail", ""))))
    return hits


_NEGATED_BEFORE_RE = re.compile(
    r"(?<!\w)(?:not|n't|n’t|cannot|never|no|unable\s+to)(?:\s+\w+){0,2}\s*$", re.IGNORECASE
)


Detector = Callable[[Doc, Mapping[str, Any]], list[Hit]]


def detect_learned_risk(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """The learned sentence signal (sandbox/scoring/learned.py), imported lazily: numpy and the
    weights load only when a pack uses it. The engine runs it after the rules instead."""
    from sandbox.scoring.learned import detect_learned_risk as learned

    return learned(doc, params)


DETECTORS: dict[str, Detector] = {
    "uk_phone": detect_uk_phone,
    "email": detect_email,
    "postcode": detect_postcode,
    "street_address": detect_street_address,
    "ni_number": detect_ni_number,
    "nhs_number": detect_nhs_number,
    "titled_name": detect_titled_name,
    "vehicle_registration": detect_vehicle_registration,
    "account_reference": detect_account_reference,
    "solicitation": detect_solicitation,
    "repeated_personal_data": detect_repeated_personal_data,
    "troll_argument": detect_troll_argument,
    "cooccurrence": detect_cooccurrence,
    "masked_profanity": detect_masked_profanity,
    "staff_name": detect_staff_name,
    "staff_first_name": detect_staff_first_name,
    "missing_after_post": detect_missing_after_post,
    "caps": detect_caps,
    "sentence_length": detect_sentence_length,
    "impersonal": detect_impersonal,
    "no_specifics": detect_no_specifics,
    "too_long": detect_too_long,
    "curt": detect_curt,
    "brush_off": detect_brush_off,
    "politeness": detect_politeness,
    "negative_sentiment": detect_negative_sentiment,
    "covers_missing": detect_covers_missing,
    "covers_met": detect_covers_met,
    "must_not_say": detect_must_not_say,
    "timing_late": detect_timing_late,
    "timing_on_time": detect_timing_on_time,
    "missed": detect_missed,
    "action_mismatch": detect_action_mismatch,
    "wrong_team": detect_wrong_team,
    "action_ok": detect_action_ok,
    "learned_risk": detect_learned_risk,
}

# Detectors about the response as a whole: they run for every action, not just text replies.
TEXT_FREE_DETECTORS = frozenset(
    {"timing_late", "timing_on_time", "missed", "action_mismatch", "wrong_team", "action_ok"}
)
