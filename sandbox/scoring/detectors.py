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

__all__ = [
    "DETECTORS",
    "GATED_DETECTORS",
    "TEXT_FREE_DETECTORS",
    "Detector",
    "Doc",
    "Hit",
    "nhs_number_valid",
    "uk_phone_numbers",
]


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


_PARAM_WORDS: dict[tuple[int, str, Any, int], tuple[Mapping[str, Any], frozenset[str]]] = {}
_NO_WORDS: frozenset[str] = frozenset()


def _param_words(
    params: Mapping[str, Any],
    key: str,
    norm: Callable[[str], str],
    base: frozenset[str] = _NO_WORDS,
) -> frozenset[str]:
    """``base | {norm(w) for w in params[key]}``, built once per rule, not once per reply.

    Keyed by the params object (held in the entry, so its id cannot be reused while cached);
    ``base`` is a module constant.
    """
    cache_key = (id(params), key, norm, id(base))
    entry = _PARAM_WORDS.get(cache_key)
    if entry is not None and entry[0] is params:
        return entry[1]
    if len(_PARAM_WORDS) > 4096:
        _PARAM_WORDS.clear()
    words = base | frozenset(norm(w) for w in params.get(key, ()))
    _PARAM_WORDS[cache_key] = (params, words)
    return words


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


_PHONE_OWNER_BEFORE_RE = re.compile(
    r"\b(?:her|his|him|my|me|their|direct|directly|personal|own)\b[^.!?\n]{0,40}$", re.IGNORECASE
)


# A call verb straight before the number, nobody named between: the reader is told to ring it.
_SERVICE_VERB_BEFORE_RE = re.compile(
    r"\b(?:ring|call|phone|dial|contact)(?:\s+us)?(?:\s+on)?\s*$", re.IGNORECASE
)


def detect_uk_phone(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    kinds = set(params.get("kinds", ("mobile", "landline", "other")))
    own = {_digits(n) for n in doc.ctx.org_phone_numbers}
    own |= {_digits(n) for n in params.get("allow", ())}
    own = {("0" + d[2:]) if d.startswith("44") else d for d in own}
    team = _matcher(tuple(params.get("team_context", ())))
    owner_only = bool(params.get("owner_only"))
    service_verb = bool(params.get("service_verb_before"))
    hits = []
    for s, e, national in uk_phone_numbers(doc.text):
        kind = _phone_kind(national)
        if kind not in kinds or national in own:
            continue
        if owner_only and not _PHONE_OWNER_BEFORE_RE.search(doc.text, max(0, s - 40), s):
            continue  # staff rule: only a number the reply gives as someone's own
        if (
            team
            and team.search(doc.text[max(0, s - 60) : s])
            and not _PHONE_OWNER_BEFORE_RE.search(doc.text, max(0, s - 40), s)
        ):
            continue  # "our press office on 0113 ...": a team's published line
        if service_verb and _SERVICE_VERB_BEFORE_RE.search(doc.text, max(0, s - 20), s):
            continue  # "or ring 0191 ...", "call us on ...": handed to the reader, so a public line
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


_EMAIL_OWNER_BEFORE_RE = re.compile(
    r"\b(?:me|my|her|his|him|direct|directly)\b[^.!?\n]{0,40}$", re.IGNORECASE
)


def detect_email(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Personal email addresses; on official domains only person-shaped ones ("jo.bloggs@").

    ``team_words``: a local part made of service words ("customer.services@", "cllr.hocking@")
    is a team inbox or a councillor's published address, not a member of staff's.
    ``staff_only``: flag only addresses that belong to a member of staff: person-shaped on an
    official domain, or any address the reply calls "me", "her" or "direct".
    """
    if "@" not in doc.text:  # no address without an "@": skip the set-up below
        return []
    official = tuple(d.lower().lstrip("@") for d in params.get("official_domains", ()))
    own = tuple(d.lower().lstrip("@") for d in doc.ctx.org_email_domains)  # domains or addresses
    team = _param_words(params, "team_words", str.lower)
    staff_only = bool(params.get("staff_only"))
    hits = []
    exact = {d for d in own if "@" in d}
    own = tuple(d for d in own if "@" not in d)
    for s, e, local, domain in emails(doc.text):
        if f"{local.lower()}@{domain}" in exact:
            continue
        if team and team.intersection(re.split(r"[._-]", local.lower())):
            continue
        if any(domain == d or domain.endswith("." + d) for d in own):
            if not _PERSON_LOCAL_RE.match(local):
                continue
            detail = "a named member of staff's email address"
        elif any(domain == d or domain.endswith("." + d) for d in official):
            if not _PERSON_LOCAL_RE.match(local):
                continue
            detail = "a named person's email address"
        elif staff_only and not _EMAIL_OWNER_BEFORE_RE.search(doc.text, max(0, s - 60), s):
            continue
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
        if params.get("venue_words") and _matcher(tuple(params["venue_words"])).search(
            doc.text[max(0, m.start() - 60) : m.end() + 40]
        ):
            continue  # "Civic Centre, AM1 2AB": a public building's address, not a home
        hits.append(Hit(m.start(), m.end(), code, detail="a full postcode"))
    return hits


_STREET_TYPES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Court|Ct|Gardens|Gdns|"
    "Place|Pl|Terrace|Grove|Hill|Row|Walk|Mews|Square|Sq|Park|Rise|View|Parade|Green|Vale|Fields|Meadow|Wharf|"
    # rural and older addresses: "8 Mill Cottages", "3 Church Villas", "12 Bank Croft"
    "Cottages|Cotts|Villas|Croft|Fold|Heights|Mount|Chase|Yard|Brow"
)
_ADDRESS_RE = re.compile(
    r"(?<![\w£$.,/:-])(?:(?:flat|apartment|apt)\s+\d{1,4}[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
    r"(?:[A-Z][a-z'’-]{1,20}\s+){1,3}(?:" + _STREET_TYPES + r")(?![A-Za-z])",
)
_AT_NUMBER_RE = re.compile(r"\b(?:at|from)\s+(?:number|no\.)\s+\d{1,4}[A-Za-z]?\b", re.IGNORECASE)
# Street names whose type word comes first: "5 Maes Glas", "2 Heol Wen", "23 Maes y Coed"
_PREFIX_ADDRESS_RE = re.compile(
    r"(?<![\w£$.,/:-])\d{1,4}[A-Za-z]?,?\s+(?:Heol|Maes|Ffordd|Stryd|Lôn|Lon|Cwrt|Rhodfa|Clos|Parc|Bryn|Cae|"
    r"Pen|Tan|Ty|Tŷ|Bro|Cil|Llys|Rue)\s+(?:(?:y|yr|[A-Z][a-zâêîôûŵŷ'’-]{1,20})\s+){0,2}[A-Z][a-zâêîôûŵŷ'’-]{1,20}"
)
_HOUSE_NUMBER_RE = re.compile(
    r"\b(?:number|no\.?)\s+\d{1,4}[A-Za-z]?\s+(?:on|in)\s+[A-Z][a-z]+", re.IGNORECASE
)


def detect_street_address(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    hits = _street_address_hits(doc)
    if params.get("venue_words"):  # "Scunthorpe Rd community centre": a public building, not a home
        venues = _matcher(tuple(params["venue_words"]))
        hits = [h for h in hits if not venues.search(doc.text[h.end : h.end + 30])]
    return hits


def _street_address_hits(doc: Doc) -> list[Hit]:
    hits = [
        Hit(m.start(), m.end(), m.group(), detail="a house number and street")
        for m in _ADDRESS_RE.finditer(doc.text)
    ]
    hits += [
        Hit(m.start(), m.end(), m.group(), detail="a house number and street")
        for m in _PREFIX_ADDRESS_RE.finditer(doc.text)
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
    r"ticket|invoice|payment|order|enquiry|complaint|crime|incident|library\s+card|membership\s+card|card)"
    r"(?:\s+(?:no\.?|number|num|ref(?:erence)?|id))?(?:\s+ending(?:\s+in)?)?\s{0,3}(?:is\s+|:|#|-)?\s{0,3}"
    # a number written in groups ("2200 4417 3391") is one reference, not three
    r"([A-Z]{0,5}[-/]?\d[\d/-]{2,18}\d(?:\s\d{3,4}){0,4})(?![\w/])",
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
    r"(?:bank|card|payment|personal|contact)\s+details|details|address\s+details|registration|"
    r"sort\s+code|(?:bank\s+)?account\s+(?:no|number|digits)|card\s+number|"
    r"payslips?|pay\s+slips?|bank\s+statements?|tenancy\s+agreement|passport|driving\s+licen[cs]e|"
    r"(?:medical|health)\s+(?:records|notes|letters?)|fit\s+notes?|sick\s+notes?|documents|evidence|"
    r"(?:council\s+tax\s+|account\s+|case\s+|claim\s+|booking\s+|customer\s+)?(?:reference|ref)|"
    r"reg|car\s+reg|number\s+plate|reg\s+number"
)
_SOLICIT_RE = re.compile(
    r"(?<!\w)(?:(?:your|ur|yr|his|her|their|the\s+[a-z]{2,12}['’]s|(?-i:(?=[A-Z])(?!(?:It|That|What|Here|There|Let|He|She|Who|Where|How|Today|Everyone)['’])[A-Z][a-z]{1,15})['’]s)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:" + _DATA_NOUNS + r"|name|school|surname|maiden\s+name|date\s+of\s+marriage)|"
    r"(?:which|what['’]s|what\s+is|what)\s+(?:ur\s+|your\s+|the\s+)?(?:reg|registration|postcode|address|"
    r"account\s+number|reference|date\s+of\s+birth|dob|ni\s+number)|"
    # "post a photo of your bill", "a picture of the front of your badge"
    r"(?:photo|picture|pic|screenshot|scan|copy)\s+of\s+(?:the\s+\w+\s+of\s+)?(?:your|his|her|their)\s+[\w'-]+|"
    r"(?:photo|picture|pic|screenshot|scan|copy)\s+of\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?(?:bill|statement|passport|"
    r"licen[cs]e|payslip|letter|id|card|badge|certificate|tenancy\s+agreement|lease|contract))(?!\w)",
    re.IGNORECASE,
)
_SOLICIT_ARTICLE_RE = re.compile(
    r"(?<!\w)(?:the|a|an)\s+(?:email\s+address|e-mail\s+address|(?:phone|mobile|contact|telephone)\s+number|"
    r"postcode|home\s+address|date\s+of\s+birth|(?:account|reference|card)\s+number)(?!\w)",
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
_PUBLIC_PLACE_RE = re.compile(
    r"(?<!\w)(?:below|in\s+the\s+(?:comments|replies|thread)|on\s+here|publicly)(?!\w)",
    re.IGNORECASE,
)
_NEGATED_REQUEST = re.compile(
    r"(?<!\w)(?:don't|don’t|do\s+not|never|please\s+avoid|no\s+need\s+to|avoid|not\s+to|without|keep|"
    r"hidden|hid|removed|deleted|included|includes|contained|contains|had|has|protect)(?!\w)",
    re.IGNORECASE,
)


_FORM_WORD_RE = re.compile(r"form|portal|app\b", re.IGNORECASE)
_CLAUSE_BREAK_RE = re.compile(r"[;:–—]|,\s+(?:and|but|so|or)\s|\s-\s")
# A sentence that sends the details somewhere else (an email address, a web address) or only
# says what a form will need is not a request to post them here.
_ELSEWHERE_RE = re.compile(
    r"@[A-Za-z0-9-]|(?<![\w.])(?:www\.|https?://)|(?<![\w.-])(?:[\w-]{1,40}\.){0,4}(?:gov|org|co|nhs)\.uk\b|"
    r"[A-Za-z0-9-]\.(?:com|org)\b"
)
_INFO_ONLY_RE = re.compile(
    r"(?<!\w)(?:you['’]ll\s+need|you\s+will\s+need|you\s+need|you['’]ll\s+be\s+asked|you\s+will\s+be\s+asked|"
    r"have\s+(?:\w+\s+){0,3}ready|to\s+hand|handy|bring|(?:once|when|after|if)\s+you\s+(?:add|enter|type|put\s+in)|"
    r"(?:pop|type|put|key)\s+in|enter|search\s+(?:for|by)|look\s+up|"
    r"(?:give|tell|show)\s+(?:them|the\s+(?:police|operator|ambulance|paramedics|crew|driver|call\s+handler))|"
    # details said in person, not posted: "give staff your name and address", "...to the staff there"
    r"(?:give|tell|show)\s+(?:the\s+)?(?:staff|clerks?|poll\s+clerks?|receptionists?)|"
    r"to\s+(?:the\s+)?(?:staff|clerks?|poll\s+clerks?|receptionists?)\s+(?:there|at|on|in)|"
    r"(?:give|tell)\s+999|"
    # sent to someone else or somewhere in person: "check with your child's school", "go to your
    # polling station and give your name", "by entering your postcode"
    r"(?:check|speak|talk|ask|get\s+in\s+touch)\s+(?:with|to)|go\s+(?:to|into|down\s+to)\s+(?:your|the|any)|"
    r"entering|typing\s+in|putting\s+in)(?!\w)",
    re.IGNORECASE,
)
# "(no need to post it here)", "please don't share it below": a public ask turned down
_NEGATED_HARD_RE = re.compile(
    r"(?<!\w)(?:don['’]t|do\s+not|no\s+need\s+to|never|please\s+avoid|rather\s+than|instead\s+of)\s+"
    r"(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)


def _hard_ask(clause: str) -> bool:
    """Whether the clause asks for something publicly ("post it here"), not counting an ask
    it turns down ("no need to post it here")."""
    for m in _HARD_VERBS.finditer(clause):
        if not _NEGATED_HARD_RE.search(clause, max(0, m.start() - 40), m.start()):
            return True
    return False


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
        if _NEGATED_REQUEST.search(doc.text, cs, m.start()):
            continue
        hard = _hard_ask(clause)
        soft = _SOFT_VERBS.search(clause) is not None
        if not (hard or soft):
            continue
        # "DM us – or just post your NI number below": a public ask in its own clause isn't
        # made private by a private channel offered in another clause
        channel = private.search(clause if hard and _PUBLIC_PLACE_RE.search(clause) else sentence)
        if channel and not (hard and _FORM_WORD_RE.search(channel.group())):
            continue  # "...by private message"; but "reply here and we'll post a form" still asks here
        if not hard and reply_private:
            continue
        if not hard and (_ELSEWHERE_RE.search(sentence) or _INFO_ONLY_RE.search(clause)):
            continue  # "send your details to highways@...", "you'll need your NI number"
        hits.append(
            Hit(m.start(), m.end(), m.group(), detail="asks for personal details in public")
        )
    # "reply here with the email address you use", "we need a phone number – pop yours in the
    # comments": the detail named without "your", asked for in a public place in the same sentence
    for m in _SOLICIT_ARTICLE_RE.finditer(doc.text):
        s, e = doc.sentence_of(m.start())
        sentence = doc.text[s:e]
        if not _hard_ask(sentence) or private.search(sentence):
            continue
        cs, _ce = _clause(doc.text, s, e, m.start())
        if _NEGATED_REQUEST.search(doc.text, cs, m.start()):
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
        r"(?<![\w'’])" + _NAME + r"\s+(?:from|in|on|at)\s+(?:our\s+|the\s+)?(?:[A-Za-z-]+\s+){0,3}?"
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
    places = _param_words(params, "not_names", str.lower)
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


# "The Bryn", "St Mark's hall", "Saint Helen's": a place named after someone, not a person
_ARTICLE_BEFORE_RE = re.compile(r"\b(?:[Tt]he|S[Tt]\.?|Saint)\s+$")
_DASH_BEFORE_RE = re.compile(r"[–—-]\s*$|\^\s*$")
_SIGN_OFF_RE = re.compile(r"\s*(?:[^\w\s]{0,3}\s*)$")


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
        if _ARTICLE_BEFORE_RE.search(text, max(0, m.start() - 5), m.start()):
            continue  # "The Bryn is on our gritting route": a place, not a person
        if _SIGN_OFF_RE.match(text, m.end()) and _DASH_BEFORE_RE.search(
            text, max(0, m.start() - 4), m.start()
        ):
            continue  # "... – Gwen": the officer signing the reply, as many councils do
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
    # "That's a parody account; bins are running as normal" speaks to the public, not the account:
    # a reply that names the account as a parody or fake is a correction, not a row
    if (
        doc.ctx.author_kind == "parody"
        and params.get("unless_parody_reply")
        and _matcher(tuple(params["unless_parody_reply"])).search(doc.text)
    ):
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
    acronyms = _param_words(params, "acronyms", str.upper)
    emphasis = _param_words(params, "emphasis_words", str.upper)
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


# ----------------------------------------------------------------------------- abuse, arguing
# with trolls, politics: shapes of a mistake rather than its wording (risk.abuse.*, risk.troll.*,
# risk.politics.*)


def _param_matcher(params: Mapping[str, Any], key: str) -> PhraseMatcher:
    """The phrase matcher for ``params[key]`` (compiled once, cached by ``_matcher``)."""
    return _matcher(tuple(params.get(key, ())))


def detect_topic_cue(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """A cue in the reply while a topic is in play (in the post or the reply).

    Why: "keep an eye on who votes against it 👀" or "we fully back them ✊" are harmless words
    on their own; they become a voting nudge or a side taken only when the conversation is about
    an election or a contested issue, which is often named in the post rather than the reply.
    ``pre_election_is_topic`` makes the pre-election period itself count as the topic,
    ``author_kinds`` the author (a candidate), ``post_below`` a post that isn't good news.
    """
    cues = list(_param_matcher(params, "cues").finditer(doc.text))
    if not cues:  # the cheap test first: most replies have no cue at all
        return []
    if not _topic_in_play(doc, params):
        return []
    if params.get("unless_reply") and _param_matcher(params, "unless_reply").search(doc.text):
        return []  # the reply as a whole declines ("we can't share posts"): the cue is courtesy
    sentences = doc.sentences
    starts = [s for s, _ in sentences]
    # a refusal ("we can't tell you who to vote for") vetoes its sentence, unless a "but" follows
    # it before the cue: "we can't say who to vote for, but only one party..." is the nudge
    vetoes: dict[int, list[int]] = {}
    if params.get("unless"):
        for m in _param_matcher(params, "unless").finditer(doc.text):
            vetoes.setdefault(bisect_right(starts, m.start()) - 1, []).append(m.end())
    negated = bool(params.get("skip_negated"))
    hits = []
    for m in cues:
        i = bisect_right(starts, m.start()) - 1
        if any(
            not (end <= m.start() and _CONTRAST_RE.search(doc.text, end, m.start()))
            for end in vetoes.get(i, ())
        ):
            continue
        if negated and _NEGATED_BEFORE_RE.search(
            doc.text, max(sentences[i][0] if i >= 0 else 0, m.start() - 30), m.start()
        ):
            continue
        hits.append(Hit(m.start(), m.end(), m.group(), detail=str(params.get("detail", ""))))
    return hits


def _topic_in_play(doc: Doc, params: Mapping[str, Any]) -> bool:
    if params.get("pre_election_is_topic") and doc.ctx.pre_election:
        return True
    if (doc.ctx.author_kind or "") in tuple(params.get("author_kinds", ())):
        return True
    # a wink is friendly under good news and a jab under a complaint or a plain question
    below = params.get("post_below")
    if below is not None and _post_compound(doc.ctx.post_text) < float(below):
        return True
    if not params.get("topic"):
        return False
    topics = _param_matcher(params, "topic")
    where = str(params.get("topic_in", "either"))
    if where != "reply":
        key = f"topic:{id(topics)}"
        if key not in doc._cache:
            doc._cache[key] = topics.search(doc.ctx.post_text) is not None
        if doc._cache[key]:
            return True
    return where != "post" and topics.search(doc.text) is not None


_CONTRAST_RE = re.compile(r"(?<!\w)(?:but|though|although|however|yet)(?!\w)", re.IGNORECASE)

_TAG_AUX = (
    r"(?:is|isn['’]t|are|aren['’]t|was|wasn['’]t|do|don['’]t|does|doesn['’]t|did|didn['’]t|can|"
    r"can['’]t|could|couldn['’]t|will|won['’]t|would|wouldn['’]t|have|haven['’]t|has|hasn['’]t|"
    r"should|shouldn['’]t)"
)
# Each shape is one bounded, linear pattern (no nested quantifiers) for a way of mocking the
# reader that no word list can enumerate.
_MOCKING_SHAPES: dict[str, re.Pattern[str]] = {
    # "Hardly breaking the bank, is it?": a statement turned into a rhetorical tag question
    "tag_question": re.compile(
        r",\s{0,3}" + _TAG_AUX + r"\s{1,3}(?:it|you|they|we|that|there|he|she)\s{0,3}\?",
        re.IGNORECASE,
    ),
    # "Reading it might help." / "Looking at the sign would help.": faux-helpful advice
    "gerund_might_help": re.compile(
        r"(?<!\w)(?:reading|looking|checking|opening|listening|asking|thinking)(?!\w)[^.?!\n]{0,40}"
        r"(?<!\w)(?:might|would|may|could)\s{1,3}(?:help|work wonders)(?!\w)",
        re.IGNORECASE,
    ),
    # "Maybe read the budget before calling people thieves.": advice to do the obvious first
    "hedge_before": re.compile(
        r"(?<!\w)(?:maybe|perhaps|try|might be worth|worth)\s{1,3}(?:\w+\s{1,3}){0,4}"
        r"(?:read|reading|look|looking|check|checking|learn|learning|find out|think|thinking|"
        r"research|open|google)(?!\w)[^.?!\n]{0,60}(?<!\w)before\s{1,3}\w{2,20}ing(?!\w)",
        re.IGNORECASE,
    ),
    # "Maybe get someone to help you next time?": a hedged lesson for next time
    "next_time_question": re.compile(
        r"(?<!\w)(?:maybe|perhaps|might be worth|may be worth)(?!\w)[^.?!\n]{0,80}(?<!\w)next\s{1,3}"
        r"time(?!\w)",
        re.IGNORECASE,
    ),
    # "Says the account with four followers." / "Spoken like a true expert.": a retort
    "says_the": re.compile(
        r"(?:^|[.!?]\s{1,3})((?:says|said|spoken\s{1,3}like)\s{1,3}(?:the|someone|somebody|a|an|you|"
        r"the\s{1,3}person|the\s{1,3}account)(?!\w))",
        re.IGNORECASE,
    ),
    # "Most people manage it in five minutes": the reader compared with everyone else
    "most_people_manage": re.compile(
        r"(?<!\w)(?:most people|most residents|everyone else|everybody else|other people|normal "
        r"people|the rest of us|most of us|most folk|a child|a toddler|a five-year-old)\s{1,3}"
        r"(?:\w+\s{1,3})?(?:manage|managed|manages|cope|copes|coped|figure|figured|figures|"
        r"to manage|to cope|have no trouble|have no problem|find it easy|can work it out"
        r"|work it out|can manage|can cope|get it right|read the)(?!\w)",
        re.IGNORECASE,
    ),
    # "We'd rather be busy than someone who moans online": a comparison that puts the reader down
    "rather_than_someone": re.compile(
        r"(?<!\w)rather\s{1,3}be(?!\w)[^.?!\n]{0,60}(?<!\w)than\s{1,3}(?:someone|somebody|people|anyone|"
        r"those|the\s{1,3}(?:person|people))\s{1,3}who(?!\w)",
        re.IGNORECASE,
    ),
    # "..., to be fair." / ", it turns out." / ", mind." tacked on the end to undercut the person
    "trailing_to_be_fair": re.compile(
        r"[,–—]\s{0,3}(?:to\s{1,3}be\s{1,3}fair|it\s{1,3}turns\s{1,3}out|funnily\s{1,3}enough|mind|"
        r"oddly\s{1,3}enough|strangely\s{1,3}enough|curiously\s{1,3}enough|really|"
        r"just\s{1,3}saying|just\s{1,3}sayin['’]?|just\s{1,3}a\s{1,3}thought|apparently|"
        r"surprisingly|go\s{1,3}figure|who\s{1,3}knew)\s{0,3}(?:[.!?…]|$|[^\w\s,])",
        re.IGNORECASE,
    ),
    # "..., love." / "hun x" / "Thanks, pal": a patronising endearment aimed at the reader
    "endearment": re.compile(
        r"(?:(?:^|[.!?]\s{1,3})(?:hun|hon|babe|pet|mate|pal|sweetie|sweetheart|darling|petal|"
        r"sunshine|chuck|love|my\s{1,3}love|my\s{1,3}dear),|"
        r"(?:,|\.\.\.)\s{0,3}(?:love|hun|hon|babe|pet|mate|pal|sunshine|chuck|chief|buddy|"
        r"sweetie|sweetheart|darling|petal|my\s{1,3}love|my\s{1,3}dear|sweet\s{1,3}cheeks|"
        r"sunbeam|princess)\s{0,3}(?:[.!?…,]|x{1,3}(?!\w)|$|[^\w\s]))",
        re.IGNORECASE,
    ),
    # "Maybe put the phone down and walk up like everyone else?": a hedged order as a question
    "hedged_order_question": re.compile(
        r"(?<!\w)(?:maybe|perhaps)\s{1,3}(?:just\s{1,3})?(?:put\s{1,3}the|walk|read|look\s{1,3}at\s{1,3}the|"
        r"use\s{1,3}your|open\s{1,3}your|google|think|try\s{1,3}(?:reading|looking))(?!\w)"
        r"[^.?!\n]{0,80}\?",
        re.IGNORECASE,
    ),
    # "Maybe book next time though 😉": a lesson for next time, with a wink or a "though"
    "next_time_jab": re.compile(
        r"(?<!\w)next\s{1,3}time\s{0,3}(?:though|then|eh|mind)?\s{0,3}(?:\?|😉|😏|🙃|🙄|😅|🤷)",
        re.IGNORECASE,
    ),
    # "Hardly rocket science." / "Hardly a fortune": a sentence that opens by belittling
    "opening_hardly": re.compile(r"(?:^|[.!?]\s{1,3})(Hardly\s{1,3}\w+)", re.IGNORECASE),
    # "Bet you've never done a 5am start": a taunt about the person
    "bet_you": re.compile(
        r"(?:^|[.!?,–—-]\s{0,3})((?:I\s{1,3})?bet\s{1,3}(?:you|you['’]ve|you['’]re|you['’]d|"
        r"you['’]ll|they|he|she|that)(?!\w))",
        re.IGNORECASE,
    ),
}


# Substrings (lower case) one of which a reply must contain for a shape to be worth running.
_SHAPE_NEEDS: dict[str, tuple[str, ...]] = {
    "tag_question": ("?",),
    "gerund_might_help": ("help", "wonders"),
    "hedge_before": ("before",),
    "next_time_question": ("next",),
    "most_people_manage": (
        "people",
        "else",
        "rest of",
        "most of us",
        "folk",
        "child",
        "toddler",
        "-old",
    ),
    "trailing_to_be_fair": (",", "–", "—"),
    "opening_hardly": ("hardly",),
    "bet_you": ("bet ",),
    "endearment": (",", "..."),
    "next_time_jab": ("next",),
    "rather_than_someone": ("rather",),
    "hedged_order_question": ("maybe", "perhaps"),
    "says_the": ("says", "said", "spoken"),
}


def detect_mocking_shape(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Sarcasm and put-downs by their shape (R8): rhetorical tag questions, faux-helpful advice,
    comparisons with "most people", and a one- or two-word ironic verdict as a whole sentence
    ("Shock." "Ambitious." "Funny that."). ``shapes`` picks shapes; ``one_liners`` lists verdicts.
    """
    wanted = params.get("shapes")
    names = tuple(wanted) if wanted is not None else tuple(_MOCKING_SHAPES)
    detail = str(params.get("detail", ""))
    hits = []
    lowered = doc._cache.get("lower")
    if lowered is None:
        lowered = doc._cache["lower"] = doc.text.lower()
    for name in names:
        pattern = _MOCKING_SHAPES.get(name)
        if pattern is None:
            continue
        needs = _SHAPE_NEEDS.get(name)
        if needs and not any(n in lowered for n in needs):
            continue  # a substring test skips most replies before any regex runs
        for m in pattern.finditer(doc.text):
            g = 1 if pattern.groups else 0
            hits.append(Hit(m.start(g), m.end(g), m.group(g), detail=detail))
    one_liners = params.get("one_liners")
    if one_liners:
        verdicts = _param_set(params, "one_liners")
        for s, e in doc.sentences:
            if e - s > 40:
                continue
            core = _ONE_LINER_STRIP_RE.sub("", doc.text[s:e]).strip().lower().replace("’", "'")
            if core in verdicts:
                hits.append(Hit(s, e, doc.text[s:e], detail=detail))
    if hits and params.get("unless"):
        # "That's not good enough, is it? Sorry." is sympathy, not a jab: sorry vetoes a sentence
        sentences = doc.sentences
        starts = [s for s, _ in sentences]
        vetoed = {
            bisect_right(starts, m.start()) - 1
            for m in _param_matcher(params, "unless").finditer(doc.text)
        }
        hits = [h for h in hits if bisect_right(starts, h.start) - 1 not in vetoed]
    return hits


def detect_troll_you(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Talking back at an abusive account (R9): a clause aimed at "you" that offers no help.

    Why: a calm correction states facts ("The crossing cost £2,300"), and a good reply to a troll
    only uses "you" to offer help ("if you have a service issue, message us"). "You've posted
    this every day", "your last six comments", "you enjoy your victory lap" are all a row,
    whatever the words. ``unless`` phrases in the same clause mark the help offer.
    """
    if (doc.ctx.author_kind or "") not in tuple(params.get("author_kinds", ("troll", "parody"))):
        return []
    veto = _param_matcher(params, "unless")
    hits = []
    for m in _YOU_TEXT_RE.finditer(doc.text):
        s, e = doc.sentence_of(m.start())
        cs, ce = _clause(doc.text, s, e, m.start())
        if veto.search(doc.text[cs:ce]) is not None:
            continue
        hits.append(Hit(m.start(), m.end(), m.group(), detail="talks back at the account"))
        if len(hits) >= 3:
            break
    return hits


# "you" as typed on a phone too: "u", "ur", "urs", "ya"
_YOU_TEXT_RE = re.compile(
    r"(?<![\w'’])(?:you|your|yours|you're|you’re|yourself|you'd|you’d|you've|you’ve|you'll|you’ll|u|ur|"
    r"urs|ya|u'll|u’ll|u've|u’ve)(?![\w'’])",
    re.IGNORECASE,
)


_HASHTAG_RE = re.compile(r"(?<![\w#&])#([A-Za-z][A-Za-z0-9_]{1,60})")


def detect_campaign_hashtag(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """A campaign slogan as a hashtag (#StopTheBoats, #ToriesOut, #SaveOurBaths): taking a side
    in the council's voice (R5). A tag counts when it starts with a ``prefixes`` verb or party,
    or ends with a ``suffixes`` word; ``exceptions`` lists neutral tags (#SaveTheDate)."""
    if "#" not in doc.text:
        return []
    prefixes = tuple(p.lower() for p in params.get("prefixes", ()))
    suffixes = tuple(p.lower() for p in params.get("suffixes", ()))
    neutral = {p.lower().lstrip("#") for p in params.get("exceptions", ())}
    hits = []
    for m in _HASHTAG_RE.finditer(doc.text):
        tag = m.group(1).lower()
        if tag in neutral:
            continue
        if any(tag.startswith(p) and len(tag) > len(p) for p in prefixes) or any(
            tag.endswith(s) and len(tag) > len(s) for s in suffixes
        ):
            hits.append(Hit(m.start(), m.end(), m.group(), detail="a campaign hashtag"))
    return hits


_ONE_LINER_STRIP_RE = re.compile(r"[^\w\s'’-]+")


def _param_set(params: Mapping[str, Any], key: str) -> frozenset[str]:
    """``params[key]`` as a lower-cased set, kept per params object like the matchers."""
    slot = (id(params), key)
    cached = _PARAM_SETS.get(slot)
    if cached is not None and cached[0] is params:
        return cached[1]
    words = frozenset(str(w).strip().lower().replace("’", "'") for w in params.get(key, ()))
    if len(_PARAM_SETS) > 4096:
        _PARAM_SETS.clear()
    _PARAM_SETS[slot] = (params, words)
    return words


_PARAM_SETS: dict[tuple[int, str], tuple[Mapping[str, Any], frozenset[str]]] = {}


# ----------------------------------------------------------------------------- crisis, staff, liability,
# guarantee, personal data (generaliser B: staff-details, personal-data, liability, guarantee,
# crisis-without-help)

_APOSTROPHE_RE = re.compile(r"['’`]")


@lru_cache(maxsize=512)
def _bare_matcher(phrases: tuple[str, ...]) -> PhraseMatcher:
    """Phrases with apostrophes removed, matched against text with apostrophes removed: posts
    written in a hurry say "wont", "cant", "im", and a crisis must not hide behind typing."""
    return PhraseMatcher(tuple(_APOSTROPHE_RE.sub("", p) for p in phrases))


def _help_found(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether the reply offers one of ``phrases`` that is not negated ("we're not an
    emergency service" names no help) and is not part of a web address ("report it online at
    police.uk" is a form, not someone coming now)."""
    for m in _matcher(phrases).finditer(text):
        end = m.end()
        if end + 1 < len(text) and text[end] == "." and text[end + 1].isalnum():
            continue
        if not _NEGATED_BEFORE_RE.search(text, max(0, m.start() - 30), m.start()):
            return True
    return False


_CRISIS_CONCEPT_KEYS = ("_a", "_b", "_c")


class _CrisisSpec:
    """A crisis rule's phrase groups compiled once (hashed by identity for the post cache)."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        immediate = {p.strip().lower() for p in params.get("immediate", ())}

        def bare(key: str) -> PhraseMatcher | None:
            return _bare_matcher(tuple(params[key])) if params.get(key) else None

        self.past = bare("past")
        self.strong = bare("strong")
        self.now = bare("now")
        self.concepts: list[_CrisisConcept] = []
        for key in params:
            if not key.endswith("_a"):
                continue
            name = key[:-2]
            groups = [tuple(params[name + k]) for k in _CRISIS_CONCEPT_KEYS if params.get(name + k)]
            if len(groups) < 2:
                continue
            self.concepts.append(
                (
                    name.replace("_", " "),
                    name.lower() in immediate,
                    [_bare_matcher(g) for g in groups],
                    [_matcher(g) for g in groups],
                    [_first_words(g, bare=True) for g in groups],
                    [_first_words(g, bare=False) for g in groups],
                )
            )


_FirstWords = tuple[frozenset[str], tuple[str, ...]]
# name, needs emergency help, matchers (apostrophes dropped / as typed), first words of each
_CrisisConcept = tuple[
    str, bool, list[PhraseMatcher], list[PhraseMatcher], list[_FirstWords], list[_FirstWords]
]
_WORD_RUN_RE = re.compile(r"\w+|-\d+")


def _first_words(phrases: tuple[str, ...], *, bare: bool) -> _FirstWords:
    """Each phrase's first word (and wildcard stems): a cheap test that a group can match."""
    firsts: set[str] = set()
    stems: list[str] = []
    for p in phrases:
        p = (_APOSTROPHE_RE.sub("", p) if bare else p).strip().lower()
        token = p.split()[0] if p.split() else ""
        run = _WORD_RUN_RE.match(token)
        if run is None:
            continue
        word = run.group()
        if token.endswith("*") and len(p.split()) == 1 and run.end() == len(token) - 1:
            stems.append(word)
        else:
            firsts.add(word)
    return frozenset(firsts), tuple(stems)


def _may_match(words: frozenset[str], groups: list[_FirstWords]) -> bool:
    for firsts, stems in groups:
        if words.isdisjoint(firsts) and (not stems or not any(w.startswith(stems) for w in words)):
            return False
    return True


_CRISIS_SPECS: dict[int, tuple[Mapping[str, Any], _CrisisSpec]] = {}


def _crisis_spec(params: Mapping[str, Any]) -> _CrisisSpec:
    got = _CRISIS_SPECS.get(id(params))
    if got is None or got[0] is not params:
        got = (params, _CrisisSpec(params))
        _CRISIS_SPECS[id(params)] = got
    return got[1]


def _groups_found(text: str, matchers: list[PhraseMatcher]) -> bool:
    for matcher in reversed(matchers):  # the later groups are the rarer ones: fail fast
        if matcher.search(text) is None:
            return False
    spans: list[list[tuple[int, int]]] = []
    for matcher in matchers:
        found = [m.span() for m in matcher.finditer(text)][:4]
        if not found:
            return False
        spans.append(found)
    return _disjoint_choice(spans) is not None


@lru_cache(maxsize=4096)
def _crisis_concepts(post: str, spec: _CrisisSpec) -> tuple[tuple[str, bool], ...]:
    """The crisis ideas a post expresses, as (concept name, needs emergency help now).

    A concept is a named set of groups (``<name>_a``, ``<name>_b``, optional ``<name>_c``):
    a phrase from every group somewhere in the post. Each word alone is everyday ("water",
    "rising"; "kid", "on his own"), the combination is the emergency. ``strong`` phrases are
    enough alone (indirect suicidal hints); ``now`` phrases are enough alone and mean danger now.
    Concepts named in ``immediate`` need emergency help, and are skipped when the post is
    about the past ("last week"). Cached: the timeline scores many replies to one post.
    """
    bare = _APOSTROPHE_RE.sub("", post)
    past = spec.past is not None and spec.past.search(bare) is not None
    out: list[tuple[str, bool]] = []
    if spec.strong is not None and spec.strong.search(bare):
        out.append(("thoughts of ending their life", False))
    if spec.now is not None and spec.now.search(bare):
        out.append(("danger happening now", True))
    bare_words = frozenset(_WORD_RUN_RE.findall(bare.lower()))
    typed_words = frozenset(_WORD_RUN_RE.findall(post.lower())) if bare != post else bare_words
    for name, urgent, bare_groups, typed_groups, bare_firsts, typed_firsts in spec.concepts:
        if urgent and past:
            continue
        # with apostrophes dropped ("wont", "im") and as typed ("water's", "kids' beds")
        if (_may_match(bare_words, bare_firsts) and _groups_found(bare, bare_groups)) or (
            bare != post
            and _may_match(typed_words, typed_firsts)
            and _groups_found(post, typed_groups)
        ):
            out.append((name, urgent))
    return tuple(out)


def detect_crisis_signals(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """A crisis post answered with routine admin: no urgent help, or only routine help
    (a helpline, an online form) when someone is in danger right now.

    Why: the crisis cue list (``known``) catches the usual words, but people in crisis rarely
    use them ("this is my last post", "the kid went in and hasn't come back up", "CO alarm going
    and I feel dizzy"). Concepts pair who is at risk with what is happening. To avoid counting
    one miss twice, a post the cue-list rule already flags is left to it unless the danger is
    immediate and the reply offers only routine help.
    """
    post = doc.ctx.post_text
    if not post:
        return []
    concepts = _crisis_concepts(post[:5000], _crisis_spec(params))
    if not concepts:
        return []
    help_any = _help_found(doc.text, tuple(params.get("help", ())))
    now = [name for name, urgent in concepts if urgent]
    if now:
        if not _help_found(doc.text, tuple(params.get("emergency_help", ()))):
            known = params.get("known") and _matcher(tuple(params["known"])).search(post)
            if help_any or not known:
                return [Hit(0, 0, "", detail=now[0])]
        return []
    if help_any:
        return []
    if params.get("known") and _matcher(tuple(params["known"])).search(post):
        return []  # the cue-list rule already flags this reply
    return [Hit(0, 0, "", detail=concepts[0][0])]


_THIRD_PARTY_ID_RE = re.compile(
    r"(?<![\w£$])(?:(?:[Nn]o\.?|[Nn]umber|[Ff]lat|[Hh]ouse)\s?\d{1,4}[A-Za-z]?(?!\w)(?!\s?(?:bus|service|route|priority))|"
    r"\d{1,3}[- ]years?[- ]old(?!\w)|aged\s+\d{1,3}(?![\w–-])(?!\s*(?:to|and|or|\+|[–-]))|"
    r"[Tt]he\s+[A-Z][a-z]{2,20}(?:s|es)(?!\w)(?=\s*(?:,|who|family|next|at|in|on|are|were|have|had))|"
    r"[Tt]he\s+[A-Z][a-z]{2,20}\s+family(?!\w)|"
    r"[A-Z][a-z]{2,15}['’]s\s+(?:[A-Za-z]+\s+){0,2}?(?:EHCP|review|school|class|case|plan|assessment|care|diagnosis|"
    r"condition|medication|appointment|referral|placement|place|exclusion|booking|transport|results?|"
    r"application|tenancy|claim|benefits?|support|needs)|"
    r"[A-Z][a-z]{1,15}\s+[A-Z][a-z]{1,20},\s+(?:Year|Yr)\s?\d{1,2}|"
    r"[A-Z][a-z]{2,15}\s+(?:Cottage|Farm|Lodge|Barn|Bungalow|Villa|Croft|Manor)(?!\w))"
)
# "a young mum and her two kids", "an elderly gentleman": a neighbour described, when the post
# asks about someone else.
_DESCRIBED_PERSON_RE = re.compile(
    r"(?<!\w)(?:(?:[Aa]n?|[Oo]ne\s+of\s+our)\s+(?:(?:young|elderly|old|older|single|lovely|nice|retired|disabled)\s+)?|"
    r"[Tt]he\s+(?:young|elderly|old|older|single|retired|disabled|frail)\s+)"
    r"(?:mum|dad|mother|father|couple|family|gentleman|gent|lady|woman|man|widow|widower|pensioner|tenants?|"
    r"lad|girl|boy|resident|household|neighbour|neighbours)(?!\w)"
    r"(?!\s+(?:permits?|parking|bays?|badges?|zones?|scheme|discount|only|card))|"  # "a resident permit"
    # "it was raised by someone who uses the path": the complainant described
    r"(?:[Ss]omeone|[Ss]omebody)\s+who(?!\w)|"
    # "the tenant at 22", "the previous tenant", "the owners at", "the family who were there", "the woman
    # living there": an occupier pointed at by where they live, not by name.
    r"[Tt]he\s+(?:previous\s+|former\s+|new\s+|current\s+)?(?:tenants?|owners?|occupiers?|occupants?|residents?|"
    r"family|household|couple|woman|man|lady|gentleman|lad|boy|girl|landlord)"
    r"(?=\s+(?:at|on|in|of|from|who|whose|living|next\s+door|upstairs|downstairs|there)(?!\w))|"
    r"[Tt]he\s+(?:previous|former)\s+(?:tenants?|owners?|occupiers?|occupants?|residents?)(?!\w)|"
    # the person the post asked about, as the subject of a state: "the owner is currently in...",
    # "she's recently been...", "they've been in..." (only counted when the post asks about others)
    r"[Tt]he\s+(?:owners?|dad|mum|father|mother)(?=\s+(?:is|was|has|had|are|were)(?!\w))|"
    r"(?=[SsHhTt])(?<![\w'’])(?:[Ss]he|[Hh]e|[Tt]hey)(?:['’](?:s|ve|re)|\s+(?:is|was|has|have|had|are|were))\s+"
    r"(?:been|currently|recently|now|still)(?!\w)"
)
# "the boy next door", "the family on the 4th floor", "the lad from Kestrel Court", "a pupil in Year 4",
# "the boys involved": someone pointed at by where they live or what they were part of. Specific enough
# to identify whatever the post asked, so no post cue is needed (a private fact still is).
_LOCATED_PERSON_RE = re.compile(
    r"(?<!\w)(?:[Tt]he|[Aa]|[Oo]ne)\s+(?:[a-z-]+\s+){0,2}?(?:boys?|girls?|lads?|lass|kids?|child|children|family|"
    r"man|woman|lady|gentleman|couple|tenants?|pupil|student|neighbours?|resident|household|owners?)\s+"
    r"(?:next\s+door|involved|upstairs|downstairs|opposite|across\s+the\s+road|"
    r"on\s+the\s+\d{1,2}(?:st|nd|rd|th)\s+floor|in\s+(?:Year|Yr)\s?\d{1,2}|"
    r"from\s+(?:[A-Z][a-z]+\s+){1,2}(?:Court|Close|Road|Street|Lane|Avenue|Way|Drive|Estate|Park|Grove|Crescent|"
    r"House|Flats|Rise|Gardens|Place|Terrace|Walk|View))(?!\w)"
)
_ADVICE_BEFORE_RE = re.compile(r"(?:\b(?:if|when|whether|unless)\b[^.!?]{0,40})$", re.IGNORECASE)
# Identifying on their own: a date of birth, part of a phone number, where someone is staying.
_DIRECT_ID_RE = re.compile(
    r"(?:date\s+of\s+birth|\bd\.?o\.?b\.?|\bborn|arrival(?<=[a-z]['’]s\sarrival)|birth(?<=[a-z]['’]s\sbirth)(?:day)?)"
    r"\s*(?:on\s+|is\s+|of\s+|:\s*|\(\s*)?"
    r"\d{1,2}(?:[/.-]\d{1,2}[/.-]\d{2,4}|(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}(?:\s+\d{4})?)|"
    r"(?:phone|mobile|number|card)\s+ending\s+(?:in\s+)?\d{2,4}|"
    r"(?:you['’]re|you\s+are)\s+(?:staying|living|housed|placed|booked)\s+(?:in|at)\s+(?:the\s+)?[A-Z]",
    re.IGNORECASE,
)
_THIRD_PARTY_NOT_NAMES_TEXT = (
    "Council Samaritans Tories Conservatives Greens Officers Services Friends Parks Streets "
    "Highways Libraries Elections Lights Games Olympics Paralympics Jobs Wards Years Times Days "
    "Weeks Months Hours News Rangers Saints Rovers There Here What Who Where Let Everyone "
    "Everybody Nobody Someone Tonight Yesterday Today Tomorrow Town City Borough County "
    "Government Britain England "
    "Mayor Minister Leader Cabinet Chancellor Labour Conservative Reform Green Prime King Queen Ofsted "
    "Police NHS Trust Academy School College University "
)
_THIRD_PARTY_NOT_NAMES = frozenset(_THIRD_PARTY_NOT_NAMES_TEXT.split())


def detect_third_party_details(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Someone else identified (a house number, an age, a family or child's name) beside a
    private fact about them (health, disability, tenancy, police, school needs).

    Why: residents ask about neighbours ("who's moved in?", "why were the police there?") and a
    friendly reply gives the person away without any phone number or postcode in it. The private
    fact may sit in the next sentence ("...a 34-year-old from the Pool area. His membership...").
    """
    ids = []
    for m in _THIRD_PARTY_ID_RE.finditer(doc.text):
        word = re.match(r"(?:[Tt]he\s+)?([A-Z][a-z]+)", m.group())
        has_digit = any(ch.isdigit() for ch in m.group())
        if word and not has_digit and word.group(1) in _THIRD_PARTY_NOT_NAMES | _NOT_NAMES:
            continue
        ids.append(m)
        if len(ids) >= 20:
            break
    direct = [
        Hit(m.start(), m.end(), m.group(), detail="someone's identifying details")
        for m in _DIRECT_ID_RE.finditer(doc.text)
    ][:10]
    if params.get("post_asks_about_others") and _matcher(
        tuple(params["post_asks_about_others"])
    ).search(doc.ctx.post_text):
        ids.extend(list(_DESCRIBED_PERSON_RE.finditer(doc.text))[:10])
    for m in _LOCATED_PERSON_RE.finditer(doc.text):
        if not _ADVICE_BEFORE_RE.search(doc.text, max(0, m.start() - 50), m.start()):
            ids.append(m)  # "if the man upstairs is noisy, ..." is advice, not a person identified
        if len(ids) >= 30:
            break
    if not ids:
        return direct
    private = _matcher(tuple(params.get("private", ())))
    sentences = doc.sentences
    starts = [s for s, _ in sentences]
    fact_sentences: dict[int, re.Match[str]] = {}
    for m in private.finditer(doc.text):
        i = bisect_right(starts, m.start()) - 1
        fact_sentences.setdefault(i, m)
    hits = []
    for m in ids:
        i = bisect_right(starts, m.start()) - 1
        if i in fact_sentences or i + 1 in fact_sentences:
            hits.append(Hit(m.start(), m.end(), m.group(), detail="someone else's details"))
    return hits + direct


_STAFF_VERB_AFTER = (
    r"(?:['’]s)?,?(?:\s+(?:been|not|now|just|really|still|normally|usually|always|generally))?\s+(?:has|had|is|was|"
    r"will|would|did|does|told|there|here|doing|working|covering|brilliant|lovely|great|means|knows|tries|"
    r"a\s+bit|one\s+of\s+our|"
    r"left|leaves|works|worked|started|starts|joined|handled|dealt|followed|made|said|says|covers|covered|runs|ran|"
    r"hung|ended|isn['’]t|wasn['’]t|hasn['’]t|didn['’]t|won['’]t|can['’]t|just|only|really|new|off|"
    r"taken|moved|removed|stood\s+down|spoken\s+to|reminded|retrained|at\s+home|"
    r"on\s+(?:leave|holiday|sick|a\s+\w+\s+(?:start|shift)|the\s+(?:desk|phones|gate|counter|account))|"
    r"in\s+(?:finance|parks|planning|housing|repairs|highways|benefits|council\s+tax|licensing|waste|admissions|"
    r"transport|reception|the\s+office|the\s+team|our\s+\w+\s+team)|up\s+at|at\s+the\s+(?:depot|office|desk|tip))(?![\w'’])"
)
_STAFF_NAME_CONTEXT_RES = (
    # "Steve is just doing his job", "Aisha's new", "Mr Adeyemi has worked here 20 years"
    re.compile(
        r"(?<![\w'’@.])((?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-z]{1,15}(?:\s+[A-Z][a-z-]{1,20})?)(?="
        + _STAFF_VERB_AFTER
        + ")"
    ),
    # "we've spoken to Ryan", "text Idris on ...", "taken that up with Bola"
    re.compile(
        r"(?<!\w)(?:[Ss]poken\s+to|[Ss]peak\s+to|[Tt]ext|[Rr]ing|[Cc]all|[Pp]hone|[Ee]mail|[Aa]sk\s+for|"
        r"up\s+with|a\s+word\s+with|[Aa]pologies\s+to|[Tt]hanks\s+to)\s+([A-Z][a-z]{1,15})(?![\w'’])"
    ),
    # "our sweeper Tony", "the officer ... (badge 214, Tom)"
    re.compile(
        r"(?<!\w)(?:[Oo]ur|[Tt]he|[Yy]our|[Oo]ne|[Aa]n?)\s+(?:[a-z-]+\s+){0,2}?(?:sweeper|electrician|gardener|"
        r"lifeguard|registrar|technician|instructor|patroller|bailiff|manager|surveyor|inspector|engineer|"
        r"apprentice|temp|planner|attendant|cleaner|caretaker|warden|officer|driver|adviser|advisor|handler|"
        r"lollipop\s+(?:lady|man)|crossing\s+patrol)s?,?\s+([A-Z][a-z]{1,15})(?![\w'’])"
    ),
    re.compile(r"\((?:badge|id|number)\s*\d{1,6},\s*([A-Z][a-z]{1,15})\)"),
    # "Officer Bains", "Warden Shah": a rank with a surname
    re.compile(
        r"(?<!\w)(?:Officer|Warden|Inspector|Sergeant|PCSO|Ranger|Bailiff)\s+([A-Z][a-z]{1,20})(?![\w'’])"
    ),
    # "Priya, she's on the town centre beat", "Helen, she does most Saturdays", "Mark, his number is"
    re.compile(
        r"(?<![\w'’@.])([A-Z][a-z]{1,15}(?:\s+[A-Z][a-z-]{1,20})?),\s+(?:she|he|his|her)(?:['’]s|\s+is|\s+was|"
        r"\s+does|\s+has|\s+works|\s+covers|\s+can|\s+will|\s+number|\s+mobile|\s+shift)(?![\w'’])"
    ),
    # "That'll be Gareth", "that's totally on Jamie", "it was Tom"
    re.compile(
        r"(?<!\w)(?:[Tt]hat['’]ll\s+be|[Tt]hat['’]d\s+be|[Tt]hat\s+will\s+be|[Tt]hat['’]s|[Tt]hat\s+was|[Ii]t\s+was|[Tt]hat\s+would\s+be)"
        r"\s+(?:totally\s+|all\s+|entirely\s+)?(?:on\s+|down\s+to\s+)?([A-Z][a-z]{1,15}(?:\s+[A-Z][a-z-]{1,20})?)"
        r"(?=\s*(?:,|\(|from|in|on|at|who|he|she|[.!]))"
    ),
    # "the warden was Ravi (badge 214)": a name given with a badge number
    re.compile(r"(?<![\w'’])([A-Z][a-z]{1,15})\s*\((?:badge|id|number|no\.?)\s*\d{1,6}\)"),
)
_CONTACT_VERBS = frozenset({"text", "ring", "call", "phone", "email", "ask"})
# A capitalised word straight before the candidate: part of a longer proper name
_TITLE_RUN_BEFORE_RE = re.compile(r"(?<![\w'’])([A-Z][a-z]+) $")
_STAFF_NAME_STOP_TEXT = (
    "Council Town Hall January February March April May June July August September October "
    "November December Christmas Easter Both Neither Everyone Nobody Someone Anyone All Each "
    "Every Nothing Something Everything Which Who Whoever What Where Why How Once After Before "
    "Since Because As So But And Or Also Just Still Now There Here Then Unfortunately Honestly "
    "Hopefully Apparently Luckily Sadly Unusually Normally Usually Yesterday Tonight Parking "
    "Planning Registration Admissions Finance Parks Repairs Licensing Building Control "
    "Environmental Health Social Care Adult Children Leisure Library Libraries Street Road Lane "
    "Avenue Crew Staff Officer Driver Veolia Biffa Serco Amey Capita Kier Openreach Google "
    "Facebook Twitter Instagram Ofsted Met Office Mayor Cllr Councillor Leader Cabinet Committee "
    "Inspectorate Ombudsman Government Police Fire Ambulance NHS GP Bin Bins Recycling Waste Tip "
    "Depot Centre Center Please Sorry Thanks Thank Apologies Yes No Hi Hello Dear Good Great Our "
    "Your The We You It They He She This That If When Today Tomorrow Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday Mr Mrs Ms Miss Dr Prime Minister Chancellor Secretary King "
    "Queen Prince Princess Lord Lady Sir Dame "
)
_STAFF_NAME_STOP = frozenset(_STAFF_NAME_STOP_TEXT.split())


_STAFF_NAME_STOP_ALL = _STAFF_NAME_STOP | _NOT_NAMES


def detect_staff_named_in_context(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """When the post is about a member of staff, a name in the reply doing, saying or suffering
    something ("Steve is just doing his job", "we've spoken to Ryan", "Pat has had a fall").

    Why: the first-name list can't hold every name (Bola, Idris, Huw); what gives a colleague
    away is a capitalised name acting in a reply to a post about a worker. Greetings, vocatives
    ("Sorry Huw."), places and organisations are skipped.
    """
    about_staff = bool(params.get("post_cues")) and bool(
        _matcher(tuple(params["post_cues"])).search(doc.ctx.post_text)
    )
    text = doc.text
    stop = _param_words(params, "not_names", str, _STAFF_NAME_STOP_ALL)
    known = _param_words(params, "names", str)
    hits: dict[tuple[int, int], Hit] = {}
    for k, rx in enumerate(_STAFF_NAME_CONTEXT_RES):
        if k in (0, 6) and not about_staff:
            continue  # a name doing something is only a colleague when the post is about staff
        for m in rx.finditer(text):
            name = m.group(1)
            words = name.replace(".", " ").split()
            first = words[0]
            titled = first in {"Mr", "Mrs", "Ms", "Miss", "Dr"} and len(words) > 1
            if (words[1] if titled else first) in stop:
                continue
            if k == 1 and first not in known and m.group().split()[0].lower() in _CONTACT_VERBS:
                continue  # "call Revenues on 0300...": a team, not a person
            start = m.start(1)
            lead = text[max(0, start - 4) : start].rstrip(" \t\"'‘“(")
            sentence_start = not lead or not (lead[-1].isalnum() or lead[-1] in ",;–—")
            if sentence_start and not titled and first not in known:
                continue  # "Recruitment is...", "Crews can't...": a capital that starts a sentence
            if _GREETING_BEFORE_RE.search(text, max(0, start - 20), start):
                continue
            run = None if titled else _TITLE_RUN_BEFORE_RE.search(text, max(0, start - 20), start)
            if run and first not in known and run.group(1) not in _STAFF_NAME_STOP:
                continue  # "the National Domestic Abuse Helpline is": the tail of an organisation's name
            if _PLACE_AFTER_RE.match(text, m.end(1)) or (
                first not in known and _PLACE_AFTER_RE.match(" " + words[-1])
            ):
                continue  # "Penrose Court", but "Karen Hill" is a person
            hits[(start, m.end(1))] = Hit(start, m.end(1), name, detail=name)
            if len(hits) >= 10:
                break
    return sorted(hits.values(), key=lambda h: h.start)


def detect_reply_cooccurrence(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Phrases from every group (``first``, ``second``) anywhere in a short reply, unless a veto
    phrase appears anywhere: "Yes, you'll have it before the 1st. Don't worry." makes its promise
    across two sentences. Limited to replies of at most ``max_chars`` (default 300)."""
    if len(doc.text) > int(params.get("max_chars", 300)):
        return []
    if params.get("unless") and _matcher(tuple(params["unless"])).search(doc.text):
        return []
    spans = []
    for key in ("first", "second", "third"):
        if not params.get(key):
            continue
        found = [m.span() for m in _matcher(tuple(params[key])).finditer(doc.text)][:4]
        if not found:
            return []
        spans.append(found)
    chosen = _disjoint_choice(spans) if len(spans) >= 2 else None
    if chosen is None:
        return []
    if params.get("cross_sentence_only"):
        starts = [a for a, _ in doc.sentences]
        if len({bisect_right(starts, a) for a, _ in chosen}) == 1:
            return []  # one sentence: the sentence-level rule covers it
    start, end = chosen[0]
    return [Hit(start, end, doc.text[start:end], detail=str(params.get("detail", "")))]


Detector = Callable[[Doc, Mapping[str, Any]], list[Hit]]


def _groups_needed(params: Mapping[str, Any]) -> tuple[PhraseMatcher, ...]:
    """cooccurrence / reply_cooccurrence find nothing unless every given group matches."""
    groups = [tuple(params[k]) for k in _GROUP_KEYS if params.get(k)]
    return tuple(_matcher(g) for g in groups) if len(groups) >= 2 else ()


def _cues_needed(params: Mapping[str, Any]) -> tuple[PhraseMatcher, ...]:
    """topic_cue finds nothing without a cue in the reply."""
    return (_param_matcher(params, "cues"),)


# For the engine's pre-filter: the matchers a detector needs a match from (in the reply text)
# before it can return any hit. Exactness matters: a detector listed here must return [] when
# one of these matchers finds nothing in ``doc.text``.
GATED_DETECTORS: dict[str, Callable[[Mapping[str, Any]], tuple[PhraseMatcher, ...]]] = {
    "cooccurrence": _groups_needed,
    "reply_cooccurrence": _groups_needed,
    "topic_cue": _cues_needed,
}


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
    "crisis_signals": detect_crisis_signals,
    "third_party_details": detect_third_party_details,
    "staff_named_in_context": detect_staff_named_in_context,
    "reply_cooccurrence": detect_reply_cooccurrence,
    "topic_cue": detect_topic_cue,
    "mocking_shape": detect_mocking_shape,
    "campaign_hashtag": detect_campaign_hashtag,
    "troll_you": detect_troll_you,
}

# Detectors about the response as a whole: they run for every action, not just text replies.
TEXT_FREE_DETECTORS = frozenset(
    {"timing_late", "timing_on_time", "missed", "action_mismatch", "wrong_team", "action_ok"}
)
