"""Rule packs: scoring rules as YAML data, validated with file:line:col errors.

A rule pack is data, like a Vale style or an alex word list: nothing in it is executed. Word
lists are compiled by us into safe, linear-time patterns (plain phrases, ``*`` as a word-ending
wildcard); anything cleverer is a named built-in detector the rule refers to by name.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from sandbox.scenario.models import ActionKind, Family
from sandbox.scoring.types import Severity

__all__ = [
    "DEFAULT_PACK_PATH",
    "DEFAULT_POINTS",
    "PhraseMatcher",
    "Rule",
    "RulePack",
    "RulePackError",
    "RuleType",
    "When",
    "load_rule_pack",
    "parse_rule_pack",
    "text_words",
]

DEFAULT_PACK_PATH = Path(__file__).parent / "rules" / "default.yaml"

# What a finding costs its family when the rule does not say (severity overrides use these too).
DEFAULT_POINTS: dict[Severity, int] = {
    Severity.error: 40,
    Severity.warning: 15,
    Severity.info: 5,
    Severity.praise: 0,
}

RULE_TYPES = ("existence", "swap", "occurrence", "detector", "praise", "absence")
RuleType = str
_ID_RE = re.compile(r"^(risk|tone|timing|action)(\.[a-z0-9][a-z0-9-]*)+$")
_TEMPLATE_FIELDS = {"match", "suggestion", "detail", "count", "max"}
_MAX_PHRASES = 5000


class RulePackError(ValueError):
    """A rule file is wrong; ``problems`` are one-line ``file:line:col: message`` strings."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


_WORD_RUN = re.compile(r"\w+")
_WORDS_CACHE: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
_WORDS_CACHE_SIZE = 64
# words in nearly every reply: a poor choice of the word a phrase must contain
_COMMON_WORDS = frozenset(
    """a about after all also am an and any are as at be been but by can could did do does for
    from get got had has have he her here him his how i if in into is it its just let know
    like me more my no not now of on one only or our out please really she should so some
    sorry than thank thanks that the their them then there these they this those to too up us
    very was we well were what when where which who why will with would you your yours ll re
    ve s t d m""".split()  # noqa: SIM905
)
# letters that re.IGNORECASE equates with an ASCII letter but str.lower() does not
_IGNORECASE_ODD = str.maketrans({"ſ": "s", "\u212a": "k", "İ": "i", "ı": "i"})


def _caseless_symbol(ch: str) -> bool:
    """A non-word character that case-insensitive matching equates with nothing else."""
    return (
        not ch.isalnum()
        and ch not in "_'’*"
        and not ch.isspace()
        and ch.lower() == ch == ch.upper() == ch.casefold()
    )


def text_words(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The lower-cased ``\\w+`` runs of a text, as a set and sorted (for prefixes), remembered
    for the few texts being scored now (every rule's matcher asks about the same reply)."""
    words = _WORDS_CACHE.get(text)
    if words is None:
        if len(_WORDS_CACHE) >= _WORDS_CACHE_SIZE:
            _WORDS_CACHE.clear()
        low = text.lower() if text.isascii() else text.translate(_IGNORECASE_ODD).lower()
        found = frozenset(_WORD_RUN.findall(low))
        words = _WORDS_CACHE[text] = (found, tuple(sorted(found)))
    return words


class PhraseMatcher:
    """Plain phrases compiled into one case-insensitive pattern with word edges.

    Why not user regexes: a rule file must never be able to hang the scorer (catastrophic
    backtracking) or run code. Phrases are escaped; ``*`` at a word's end matches any ending,
    runs of spaces match any whitespace.
    """

    __slots__ = (
        "_compiled",
        "_flags",
        "_keys",
        "_prefix_keys",
        "_source",
        "_symbol_keys",
        "phrases",
    )

    _END = ""  # trie key marking the end of a phrase

    def __init__(self, phrases: Iterable[str], *, case_sensitive: bool = False) -> None:
        self.phrases = tuple(dict.fromkeys(p.strip() for p in phrases if p.strip()))
        # Phrases become a trie-shaped pattern: at each position the engine follows one branch
        # instead of trying every phrase, which keeps long inputs fast (linear, small constant).
        word_start: dict[str, Any] = {}
        other_start: dict[str, Any] = {}
        for phrase in self.phrases:
            atoms = self._atoms(phrase if case_sensitive else phrase.lower())
            root = word_start if (phrase[0].isalnum() or phrase[0] == "_") else other_start
            node = root
            for atom in atoms:
                node = node.setdefault(atom, {})
            node[self._END] = True
        parts = []
        if word_start:
            parts.append(r"(?<!\w)" + self._trie(word_start))
        if other_start:
            parts.append(self._trie(other_start))
        flags = 0 if case_sensitive else re.IGNORECASE
        # compiled on first use: most matchers never get past the word test in a short run
        # (``sandbox score`` of one reply), and compiling ~230 patterns is most of start-up
        self._source = "|".join(parts) if parts else None
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None
        self._keys, self._prefix_keys, self._symbol_keys = self._required_words(case_sensitive)

    def _required_words(
        self, case_sensitive: bool
    ) -> tuple[frozenset[str] | None, tuple[str, ...], str]:
        """For each phrase, one word a text must contain for it to match, so that a matcher can
        say "no match" from one shared word set instead of scanning the text (None: no test).

        Every ``\\w+`` run inside a phrase meets a non-word character, a space or an edge on both
        sides, so a match lines up with a whole ``\\w+`` run of the text, except a wildcard word's
        run ("stupid*"), which only starts one. The longest exact run is the rarest, so it is
        the one checked. Most of a pack's ~200 matchers find nothing in a given reply.
        A phrase of symbols only (an emoji, "!!") needs its first character in the text instead.
        """
        if case_sensitive or not self.phrases:
            return None, (), ""
        keys: set[str] = set()
        prefixes: set[str] = set()
        symbols: set[str] = set()
        for phrase in self.phrases:
            exact: list[str] = []
            prefix = ""
            for word in phrase.lower().split():
                wild = word.endswith("*") and len(word) > 1
                runs = _WORD_RUN.findall(word.rstrip("*") if wild else word)
                if wild and runs and word.rstrip("*").endswith(runs[-1]):
                    prefix = prefix or runs.pop()
                exact += runs
            if exact:
                rare = [r for r in exact if r not in _COMMON_WORDS] or exact
                keys.add(max(rare, key=len))
            elif prefix:
                prefixes.add(prefix)
            elif _caseless_symbol(phrase[0]):  # its first atom matches exactly this character
                symbols.add(phrase[0])
            else:  # a symbol with a case or an apostrophe's two forms: only the pattern can tell
                return None, (), ""
        return frozenset(keys), tuple(sorted(prefixes)), "".join(sorted(symbols))

    @property
    def required_words(self) -> tuple[frozenset[str], tuple[str, ...], str] | None:
        """(words, word starts, characters): a text can match only if it has one of the words
        as a lower-cased ``\\w+`` run (see ``text_words``), a run starting with one of the word
        starts, or one of the characters anywhere; None when there is no such test."""
        return None if self._keys is None else (self._keys, self._prefix_keys, self._symbol_keys)

    def _may_match(self, text: str) -> bool:
        if self._keys is None:
            return True
        words, ordered = text_words(text)
        if not self._keys.isdisjoint(words):
            return True
        for prefix in self._prefix_keys:
            i = bisect_left(ordered, prefix)
            if i < len(ordered) and ordered[i].startswith(prefix):
                return True
        return any(ch in text for ch in self._symbol_keys)

    @staticmethod
    def _atoms(phrase: str) -> list[str]:
        """A phrase as regex atoms: one per character, whitespace runs, a wildcard ending and
        a word-edge check after a final word character."""
        out: list[str] = []
        words = phrase.split()
        for i, word in enumerate(words):
            if i:
                out.append(r"\s+")
            wild = word.endswith("*") and len(word) > 1
            for ch in word[:-1] if wild else word:
                # a typed apostrophe also matches the typographic one (we'll / we’ll)
                out.append("['’]" if ch in "'’" else re.escape(ch))
            if wild:
                out.append(r"[\w'’-]{0,30}")
        last = words[-1].rstrip("*") if words[-1] != "*" else words[-1]
        if last and (last[-1].isalnum() or last[-1] == "_"):
            out.append(r"(?!\w)")
        return out

    @classmethod
    def _trie(cls, node: dict[str, Any]) -> str:
        # Longer continuations first so the longest phrase wins, as with plain alternation.
        branches = [atom + cls._trie(child) for atom, child in node.items() if atom != cls._END]
        if cls._END in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        if self._source is None or not self._may_match(text):
            return ()
        return (self._compiled or self._compile()).finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        if self._source is None or not self._may_match(text):
            return None
        return (self._compiled or self._compile()).search(text)

    def _compile(self) -> re.Pattern[str]:
        assert self._source is not None
        self._compiled = re.compile(self._source, self._flags)  # a race compiles it twice: fine
        return self._compiled

    @property
    def _regex(self) -> re.Pattern[str] | None:
        """The whole pattern, without the word test (None for no phrases)."""
        if self._source is None:
            return None
        return self._compiled or self._compile()

    def __bool__(self) -> bool:
        return self._source is not None


@dataclass(frozen=True)
class When:
    """Data-only conditions for a rule to apply (all given ones must hold)."""

    pre_election: bool | None = None
    author_kind: tuple[str, ...] = ()
    action: tuple[ActionKind, ...] = ()
    post_has: PhraseMatcher | None = None
    post_lacks: PhraseMatcher | None = None
    needs_answer: bool | None = None
    expects_reply: bool | None = None  # the scenario lists a public reply as a right answer


@dataclass(frozen=True)
class Rule:
    id: str
    family: Family
    severity: Severity
    type: RuleType
    message: str
    suggestion: str | None = None
    source: str | None = None
    link: str | None = None
    points: int | None = None
    max_points: int | None = None
    tokens: tuple[str, ...] = ()
    swap: Mapping[str, str] = field(default_factory=dict)
    exceptions: tuple[str, ...] = ()
    case_sensitive: bool = False
    skip_negated: bool = False
    max: int = 0
    detector: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    when: When = field(default_factory=When)
    public_only: bool = False  # personal-data rules: fine in a private message
    where: str = ""  # "file:line:col" of the rule, for messages about it

    @property
    def cost(self) -> int:
        """Points one finding of this rule costs its family."""
        if self.points is not None:
            return self.points
        return DEFAULT_POINTS[self.severity]

    @property
    def cap(self) -> int:
        """The most this rule can cost in one response, however often it matches."""
        if self.max_points is not None:
            return self.max_points
        return self.cost * 2 if self.severity is not Severity.praise else 0

    def with_severity(self, severity: Severity) -> Rule:
        """Re-tier a rule: explicit points belonged to the old tier, so drop them."""
        return replace(self, severity=severity, points=None, max_points=None)


@dataclass(frozen=True)
class RulePack:
    name: str
    rules: tuple[Rule, ...]
    allow: tuple[str, ...] = ()
    weights: Mapping[Family, float] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.rules)

    def merged(self, other: RulePack) -> RulePack:
        """This pack plus an organisation's or scenario's extra pack.

        New ids are added; ``extend`` entries in the extra pack have already been folded into
        copies of our rules by :func:`parse_rule_pack` when it was given ``base``.
        """
        mine = {r.id: r for r in self.rules}
        for r in other.rules:
            mine[r.id] = r
        weights = dict(self.weights)
        weights.update(other.weights)
        return RulePack(
            name=f"{self.name}+{other.name}",
            rules=tuple(mine.values()),
            allow=tuple(dict.fromkeys(self.allow + other.allow)),
            weights=weights,
            sources=self.sources + other.sources,
        )


# --------------------------------------------------------------------------- located parsing


class _Located:
    """Walks PyYAML nodes so every problem can name its file, line and column."""

    def __init__(self, name: str, loader: yaml.SafeLoader) -> None:
        self.name = name
        self.loader = loader
        self.problems: list[str] = []

    def at(self, node: yaml.Node) -> str:
        m = node.start_mark
        return f"{self.name}:{m.line + 1}:{m.column + 1}"

    def fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append(f"{self.at(node)}: {message}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values")
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                self.fail(k, f"keys in {what} must be plain words")
                continue
            if k.value in out:
                self.fail(k, f'"{k.value}" appears twice in {what}')
                continue
            out[k.value] = (k, v)
        return out

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return _NotScalar
        try:  # the safe constructor refuses python/* tags: nothing here can run code
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            return _NotScalar

    def text(self, node: yaml.Node, what: str) -> str | None:
        value = self.scalar(node)
        if not isinstance(value, str) or not value.strip():
            self.fail(node, f"{what} must be non-empty text")
            return None
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.fail(node, f"{what} must be true or false")
            return None
        return value

    def integer(self, node: yaml.Node, what: str, lo: int, hi: int) -> int | None:
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.fail(node, f"{what} must be a whole number from {lo} to {hi}")
            return None
        return value

    def texts(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode):
            one = self.text(node, what)
            return (one,) if one else ()
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list of words or phrases")
            return ()
        out: list[str] = []
        for item in node.value:
            value = self.scalar(item)
            if isinstance(value, bool) or value is None:
                self.fail(
                    item, f'write "{item.value}" in quotes (YAML reads it as true/false/null)'
                )
                continue
            if isinstance(value, (int, float)):
                value = str(value)
            if not isinstance(value, str) or not value.strip():
                self.fail(item, f"each entry of {what} must be a non-empty word or phrase")
                continue
            if "*" in value.rstrip("*") or value.strip().startswith("*"):
                self.fail(item, f'"{value}": "*" may only end a word (e.g. "bollock*")')
                continue
            out.append(value.strip())
        if len(out) > _MAX_PHRASES:
            self.fail(node, f"{what} has more than {_MAX_PHRASES} entries")
        return tuple(out)


class _NotScalarType:
    pass


_NotScalar = _NotScalarType()

_RULE_KEYS = {
    "id",
    "family",
    "severity",
    "type",
    "message",
    "suggestion",
    "source",
    "link",
    "points",
    "max_points",
    "tokens",
    "swap",
    "exceptions",
    "case_sensitive",
    "skip_negated",
    "max",
    "detector",
    "params",
    "when",
    "public_only",
}
_WHEN_KEYS = {
    "pre_election",
    "author_kind",
    "action",
    "post_has",
    "post_lacks",
    "needs_answer",
    "expects_reply",
}
_PACK_KEYS = {"pack", "version", "weights", "allow", "rules", "extend"}


def _check_template(loc: _Located, node: yaml.Node, template: str) -> None:
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        loc.fail(node, f"message template is malformed ({exc}); use {{match}} for the matched text")
        return
    for n in names:
        if n not in _TEMPLATE_FIELDS:
            allowed = ", ".join("{" + f + "}" for f in sorted(_TEMPLATE_FIELDS))
            loc.fail(node, f'unknown placeholder "{{{n}}}" in message; allowed: {allowed}')


def _parse_when(loc: _Located, node: yaml.Node) -> When:
    m = loc.mapping(node, "when")
    if m is None:
        return When()
    kw: dict[str, Any] = {}
    for key, (knode, vnode) in m.items():
        if key not in _WHEN_KEYS:
            loc.fail(knode, f'unknown condition "{key}"; known: {", ".join(sorted(_WHEN_KEYS))}')
        elif key in ("pre_election", "needs_answer", "expects_reply"):
            kw[key] = loc.boolean(vnode, f"when.{key}")
        elif key == "author_kind":
            kw[key] = loc.texts(vnode, "when.author_kind")
        elif key == "action":
            acts: list[ActionKind] = []
            for a in loc.texts(vnode, "when.action"):
                try:
                    acts.append(ActionKind(a))
                except ValueError:
                    known = ", ".join(k.value for k in ActionKind)
                    loc.fail(vnode, f'unknown action "{a}"; known: {known}')
            kw[key] = tuple(acts)
        else:
            kw[key] = PhraseMatcher(loc.texts(vnode, f"when.{key}"))
    return When(**kw)


def _parse_rule(loc: _Located, node: yaml.Node, detectors: frozenset[str] | None) -> Rule | None:
    m = loc.mapping(node, "a rule")
    if m is None:
        return None
    before = len(loc.problems)
    for key, (knode, _) in m.items():
        if key not in _RULE_KEYS:
            loc.fail(knode, f'unknown rule key "{key}"; known: {", ".join(sorted(_RULE_KEYS))}')
    for required in ("id", "family", "severity", "type", "message"):
        if required not in m:
            loc.fail(node, f'rule is missing "{required}"')
    if len(loc.problems) > before:
        return None
    rid = loc.text(m["id"][1], "id") or ""
    if rid and not _ID_RE.match(rid):
        loc.fail(m["id"][1], f'rule id "{rid}" must look like family.name[.name], e.g. tone.jargon')
    fam_text = loc.text(m["family"][1], "family") or ""
    try:
        family = Family(fam_text)
    except ValueError:
        loc.fail(m["family"][1], f'unknown family "{fam_text}"; known: risk, tone, timing, action')
        family = Family.tone
    if rid and _ID_RE.match(rid) and not rid.startswith(family.value + "."):
        loc.fail(m["id"][1], f'rule id "{rid}" must start with its family "{family.value}."')
    sev_text = loc.text(m["severity"][1], "severity") or ""
    try:
        severity = Severity(sev_text)
    except ValueError:
        loc.fail(
            m["severity"][1], f'unknown severity "{sev_text}"; known: error, warning, info, praise'
        )
        severity = Severity.info
    rtype = loc.text(m["type"][1], "type") or ""
    if rtype not in RULE_TYPES:
        loc.fail(m["type"][1], f'unknown rule type "{rtype}"; known: {", ".join(RULE_TYPES)}')
    message = loc.text(m["message"][1], "message") or ""
    _check_template(loc, m["message"][1], message)

    kw: dict[str, Any] = {}
    for key in ("suggestion", "source", "link"):
        if key in m:
            kw[key] = loc.text(m[key][1], key)
    for key, hi in (("points", 100), ("max_points", 100), ("max", 1000)):
        if key in m:
            kw[key] = loc.integer(m[key][1], key, 0, hi)
    for key in ("case_sensitive", "skip_negated", "public_only"):
        if key in m:
            kw[key] = bool(loc.boolean(m[key][1], key))
    if "tokens" in m:
        kw["tokens"] = loc.texts(m["tokens"][1], "tokens")
    if "exceptions" in m:
        kw["exceptions"] = loc.texts(m["exceptions"][1], "exceptions")
    if "swap" in m:
        sm = loc.mapping(m["swap"][1], "swap")
        swap: dict[str, str] = {}
        for k, (knode, vnode) in (sm or {}).items():
            value = loc.scalar(vnode)
            if value is None:
                value = ""
            if not isinstance(value, str):
                loc.fail(vnode, f'swap "{k}" must map to plain words (or nothing, to remove it)')
                continue
            if "*" in k.rstrip("*"):
                loc.fail(knode, f'"{k}": "*" may only end a word')
                continue
            swap[k] = value
        kw["swap"] = swap
    if "params" in m:
        pm = loc.mapping(m["params"][1], "params")
        params: dict[str, Any] = {}
        for k, (_, vnode) in (pm or {}).items():
            if isinstance(vnode, yaml.SequenceNode):
                params[k] = loc.texts(vnode, f"params.{k}")
            else:
                value = loc.scalar(vnode)
                if value is _NotScalar or isinstance(value, (dict, list)):
                    loc.fail(vnode, f"params.{k} must be a number, text, true/false or a list")
                    continue
                params[k] = value
        kw["params"] = params
    if "detector" in m:
        name = loc.text(m["detector"][1], "detector")
        if name and detectors is not None and name not in detectors:
            loc.fail(
                m["detector"][1],
                f'unknown detector "{name}"; built in: {", ".join(sorted(detectors))}',
            )
        kw["detector"] = name
    if "when" in m:
        kw["when"] = _parse_when(loc, m["when"][1])

    # Type-specific requirements.
    node_type = m["type"][1]
    if rtype in ("existence", "occurrence", "praise", "absence") and not kw.get("tokens"):
        loc.fail(node_type, f'a rule of type "{rtype}" needs a "tokens" list')
    if rtype == "swap" and not kw.get("swap"):
        loc.fail(node_type, 'a rule of type "swap" needs a "swap" mapping of word: plainer word')
    if rtype == "detector" and not kw.get("detector"):
        loc.fail(node_type, 'a rule of type "detector" needs a "detector" name')
    if rtype == "praise" and severity is not Severity.praise:
        loc.fail(m["severity"][1], 'a rule of type "praise" must have severity "praise"')
    if rtype != "praise" and severity is Severity.praise and rtype != "detector":
        loc.fail(m["severity"][1], 'severity "praise" is only for praise rules and detectors')
    if len(loc.problems) > before:
        return None
    return Rule(
        id=rid,
        family=family,
        severity=severity,
        type=rtype,
        message=message,
        where=loc.at(node),
        **kw,
    )


def _compose(text: str, loader_class: Any) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse_rule_pack(
    text: str,
    name: str = "<rules>",
    *,
    base: RulePack | None = None,
    detectors: frozenset[str] | None = None,
) -> RulePack:
    """Parse and validate a rule pack; raise :class:`RulePackError` listing every problem.

    With ``base``, the pack may ``extend`` base rules (add words/swaps to them) and must not
    reuse a base id for a new rule.
    """
    if detectors is None:
        from sandbox.scoring.detectors import DETECTORS

        detectors = frozenset(DETECTORS)
    # libyaml's parser when present: the default pack is thousands of lines, and the pure Python
    # composer made start-up (and so every `sandbox score`) half a second slower. A file it
    # rejects is parsed again in Python, whose error messages point at the spot more precisely.
    try:
        root = _compose(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        try:
            root = _compose(text, yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
            raise RulePackError([f"{where}: not valid YAML: {exc.problem}"]) from None
        except yaml.YAMLError as exc:
            raise RulePackError([f"{name}: not valid YAML: {exc}"]) from None
    if root is None:
        raise RulePackError([f"{name}:1:1: the rule file is empty"])
    loc = _Located(name, yaml.SafeLoader(""))
    top = loc.mapping(root, "the rule file")
    if top is None:
        raise RulePackError(loc.problems)
    for key, (knode, _) in top.items():
        if key not in _PACK_KEYS:
            loc.fail(
                knode, f'unknown top-level key "{key}"; known: {", ".join(sorted(_PACK_KEYS))}'
            )
    pack_name = Path(name).stem
    if "pack" in top:
        pack_name = loc.text(top["pack"][1], "pack") or pack_name
    if "version" in top:
        loc.integer(top["version"][1], "version", 1, 1)
    weights: dict[Family, float] = {}
    if "weights" in top:
        wm = loc.mapping(top["weights"][1], "weights") or {}
        for k, (knode, vnode) in wm.items():
            value = loc.scalar(vnode)
            try:
                fam = Family(k)
            except ValueError:
                loc.fail(knode, f'unknown family "{k}" in weights')
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                loc.fail(vnode, f"weight for {k} must be a number of 0 or more")
                continue
            weights[fam] = float(value)
    allow = loc.texts(top["allow"][1], "allow") if "allow" in top else ()

    rules: list[Rule] = []
    seen: dict[str, str] = {}
    base_ids = base.ids if base else frozenset()
    if "rules" in top:
        rnode = top["rules"][1]
        if not isinstance(rnode, yaml.SequenceNode):
            loc.fail(rnode, "rules must be a list of rules (each starting with - id: ...)")
        else:
            for item in rnode.value:
                rule = _parse_rule(loc, item, detectors)
                if rule is None:
                    continue
                if rule.id in seen:
                    loc.fail(item, f'rule id "{rule.id}" is already used at {seen[rule.id]}')
                    continue
                if rule.id in base_ids:
                    loc.fail(
                        item,
                        f'rule id "{rule.id}" is already in the {base.name if base else ""} pack; '
                        'use "extend" to add words to it or pick a new id',
                    )
                    continue
                seen[rule.id] = rule.where
                rules.append(rule)
    if "extend" in top:
        em = loc.mapping(top["extend"][1], "extend") or {}
        for rid, (knode, vnode) in em.items():
            if base is None or rid not in base_ids:
                loc.fail(knode, f'cannot extend "{rid}": there is no such rule in the base pack')
                continue
            target = base.rule(rid)
            xm = loc.mapping(vnode, f"extend.{rid}") or {}
            tokens = target.tokens
            swap = dict(target.swap)
            exceptions = target.exceptions
            for key, (k2, v2) in xm.items():
                if key == "tokens":
                    tokens = tokens + loc.texts(v2, "tokens")
                elif key == "exceptions":
                    exceptions = exceptions + loc.texts(v2, "exceptions")
                elif key == "swap":
                    for sk, (_, sv) in (loc.mapping(v2, "swap") or {}).items():
                        value = loc.scalar(sv)
                        swap[sk] = "" if value is None else str(value)
                else:
                    loc.fail(k2, f'extend can add "tokens", "swap" or "exceptions", not "{key}"')
            rules.append(replace(target, tokens=tokens, swap=swap, exceptions=exceptions))
    if loc.problems:
        raise RulePackError(loc.problems)
    return RulePack(
        name=pack_name, rules=tuple(rules), allow=allow, weights=weights, sources=(name,)
    )


def load_rule_pack(path: str | Path, *, base: RulePack | None = None) -> RulePack:
    """Read a rule file; unreadable files raise :class:`RulePackError` too (one line)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulePackError([f"{p}: cannot read the rule file ({exc.strerror or exc})"]) from None
    except UnicodeDecodeError:
        raise RulePackError([f"{p}: the rule file is not UTF-8 text"]) from None
    return parse_rule_pack(text, str(p), base=base)
