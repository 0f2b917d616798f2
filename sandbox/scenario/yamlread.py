"""Reading hand-written YAML safely, with every problem located.

Scenario files come from trainers' editors and e-mail attachments, so this module assumes nothing:
it refuses oversized, binary and non-UTF-8 files before parsing, and builds plain Python data
straight from libyaml's event stream (not ``compose``) so that it can bound nesting depth (deeply
nested input crashes libyaml's recursive composer), bound alias expansion ("billion laughs"),
reject duplicate keys and unknown tags, and keep YAML 1.1 traps out (``+10:30`` is text here, not
the sexagesimal integer 37800).

Locations of values are only needed when something is wrong, so they are found afterwards by
composing the (already depth-checked) text and walking the node tree along an error's path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sandbox.scenario.errors import Problem, ScenarioError

if TYPE_CHECKING:
    import yaml
    from yaml.nodes import MappingNode, Node

# The loader class; None means libyaml's when PyYAML has it, else PyYAML's Python one.
_Loader: Any = None

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000
MAX_PROBLEMS = 100

_Y = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _Y + "str", _Y + "int", _Y + "float", _Y + "bool", _Y + "null"
_TIMESTAMP, _MERGE, _VALUE = _Y + "timestamp", _Y + "merge", _Y + "value"
_MAP, _SEQ = _Y + "map", _Y + "seq"


class _PyYAML:
    """PyYAML's pieces, imported on first use: a scenario read back from the cache (see
    :mod:`sandbox.scenario.loader`) never needs them, and importing PyYAML costs ~60 ms."""

    def __init__(self) -> None:
        import yaml
        from yaml.constructor import ConstructorError, SafeConstructor
        from yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.yaml = yaml
        self.default_loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        self.resolver_firsts = frozenset(self.default_loader.yaml_implicit_resolvers)
        self.constructor = SafeConstructor()
        self.ConstructorError = ConstructorError
        self.ScalarNode, self.MappingNode, self.SequenceNode = ScalarNode, MappingNode, SequenceNode


_pyyaml: _PyYAML | None = None


def _lib() -> _PyYAML:
    global _pyyaml
    if _pyyaml is None:
        _pyyaml = _PyYAML()
    return _pyyaml


def _loader_class() -> Any:
    return _Loader if _Loader is not None else _lib().default_loader


class _Abort(Exception):
    """Stop reading: the input is hostile or broken beyond useful further reporting."""


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def check_size(size: int, file: str) -> None:
    """Refuse files too big to be a hand-written scenario before reading them at all."""
    if size > MAX_BYTES:
        raise ScenarioError(
            [
                Problem(
                    file,
                    1,
                    1,
                    f"file is {_size(size)}; scenario files are limited to {_size(MAX_BYTES)} "
                    "(is this the right file?)",
                )
            ]
        )


def decode(data: bytes, file: str) -> str:
    """Bytes to text, refusing binary and non-UTF-8 input with a located, fixable message."""
    check_size(len(data), file)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError(
            [Problem(file, 1, 1, "file is saved as UTF-16; save it as UTF-8 and try again")]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col_of_byte(data, nul)
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    col,
                    f"this looks like a binary file, not a YAML scenario (NUL byte at byte {nul})",
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(data, exc.start)
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    col,
                    f"not valid UTF-8 at byte {exc.start} (0x{data[exc.start]:02x}); "
                    "save the file as UTF-8",
                )
            ]
        ) from None


_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    ("'\\t'", "tabs cannot indent YAML; use spaces"),
    ("tab", "tabs cannot indent YAML; use spaces"),
    ("'@'", 'values starting with @ must be in quotes, e.g. handle: "@jo_bloggs"'),
    ("'`'", "values starting with ` must be in quotes"),
    ("'%'", "values starting with % must be in quotes"),
    (
        "mapping values are not allowed",
        'a value contains ": "; put the whole value in quotes',
    ),
    (
        "could not find expected ':'",
        'a key is missing its ":", or a quoted value is not closed',
    ),
    ("found undefined alias", "an *alias needs a matching &anchor earlier in the file"),
    ("did not find expected key", "check the indentation of this line and the one above"),
    ("did not find expected '-'", "check the indentation of this list"),
    ("found unexpected end of stream", "a quoted value is not closed"),
)


def _syntax_problem(exc: yaml.YAMLError, text: str, file: str) -> Problem:
    yaml = _lib().yaml
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        return Problem(
            file,
            line,
            col,
            f"character U+{char:04X} is not allowed in YAML ({exc.reason}); remove it",
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark)
        what = exc.problem or "invalid YAML"
        if exc.context and exc.context not in what:
            what = f"{what} ({exc.context})"
        if "cannot start any token" in what and mark is not None:
            lines = text.split("\n")
            row = lines[mark.line] if mark.line < len(lines) else ""
            found = row[mark.column : mark.column + 1]
            if found:
                what = what.replace("found character", f"found character {found!r}")
        hint = next((h for key, h in _SYNTAX_HINTS if key in what), "")
        return Problem(
            file, line, col, f"YAML syntax error: {what}" + (f"; {hint}" if hint else "")
        )
    return Problem(file, 1, 1, f"YAML syntax error: {exc}")


class _Frame:
    """An open mapping or sequence while reading events."""

    __slots__ = (
        "anchor",
        "bad_key",
        "is_map",
        "key",
        "key_lines",
        "mark",
        "merges",
        "start",
        "value",
    )

    def __init__(self, value: Any, is_map: bool, anchor: str | None, mark: Any, start: int) -> None:
        self.value = value
        self.is_map = is_map
        self.anchor = anchor
        self.mark = mark
        self.start = start  # node count when opened, to size anchored containers
        self.key: Any = _NO_KEY
        self.key_lines: dict[str, int] = {}
        self.merges: list[dict[str, Any]] = []
        self.bad_key = False  # this container is itself being used as a mapping key


_NO_KEY = object()
_MERGE_KEY = object()
_BAD_KEY = object()


class _Builder:
    """Turns the event stream into plain data, collecting located problems as it goes."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.nodes = 0
        self.alias_nodes = 0
        self.root: Any = None
        self.documents = 0
        self.lib = _lib()

    def problem(self, mark: Any, message: str) -> None:
        line, col = _pos(mark)
        self.problems.append(Problem(self.file, line, col, message))
        if len(self.problems) >= MAX_PROBLEMS:  # a broken file, not a list of typos: stop here
            raise _Abort

    # -- values -------------------------------------------------------------------------------
    def scalar(self, ev: yaml.ScalarEvent) -> Any:
        tag, value = ev.tag, ev.value
        lib = self.lib
        if tag is None or tag == "!":
            if not ev.implicit[0] or (value[:1] not in lib.resolver_firsts):
                return value
            tag = self._resolver.resolve(lib.ScalarNode, value, (True, False))
        if tag in (_STR, _VALUE):
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value.lower() in ("yes", "true", "on", "y")
        if tag in (_INT, _FLOAT):
            if ":" in value:  # YAML 1.1 base-60 number: a trainer meant the text (+10:30)
                return value
            try:
                if tag == _INT:
                    return lib.constructor.construct_yaml_int(lib.ScalarNode(tag, value))
                return lib.constructor.construct_yaml_float(lib.ScalarNode(tag, value))
            except (ValueError, lib.ConstructorError):
                self.problem(ev.start_mark, f'"{value}" is not a valid number')
                return value
        if tag == _TIMESTAMP:
            try:
                return lib.constructor.construct_yaml_timestamp(lib.ScalarNode(tag, value))
            except (ValueError, lib.ConstructorError):
                self.problem(ev.start_mark, f'"{value}" is not a valid date or time')
                return value
        if tag == _MERGE:
            return value
        self.problem(ev.start_mark, f'YAML tag "{tag}" is not allowed in scenario files; remove it')
        return value

    def add(self, value: Any, size: int, mark: Any) -> None:
        """Attach a finished value (scalar, alias or closed container) to its parent."""
        if not self.stack:
            self.root = value
            return
        f = self.stack[-1]
        if not f.is_map:
            f.value.append(value)
            return
        key = f.key
        if key is _NO_KEY:  # this value is a key
            if value is _BAD_KEY:
                f.key = _BAD_KEY
            elif not isinstance(value, str) and value is not _MERGE_KEY:
                self.problem(mark, "mapping keys must be plain words, not lists or mappings")
                f.key = _BAD_KEY
            else:
                f.key = value
                if isinstance(value, str):
                    seen = f.key_lines.get(value)
                    if seen is not None:
                        self.problem(
                            mark,
                            f'duplicate key "{value}" (first on line {seen}); '
                            "a key may appear only once in a mapping",
                        )
                    else:
                        f.key_lines[value] = mark.line + 1 if mark is not None else 1
            return
        f.key = _NO_KEY
        if key is _BAD_KEY:
            return
        if key is _MERGE_KEY:
            items = value if isinstance(value, list) else [value]
            if all(isinstance(m, dict) for m in items):
                f.merges.extend(items)
            else:
                self.problem(mark, '"<<" (merge) needs a mapping or a list of mappings')
            return
        f.value[key] = value

    def alias(self, ev: yaml.AliasEvent) -> None:
        name = ev.anchor
        if name in self.open_anchors:
            self.problem(ev.start_mark, f'alias "*{name}" refers to itself; remove the loop')
            raise _Abort
        if name not in self.anchors:
            self.problem(
                ev.start_mark, f'alias "*{name}" has no "&{name}" anchor before it in the file'
            )
            raise _Abort
        value, size = self.anchors[name]
        self.alias_nodes += size
        self.nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            self.problem(
                ev.start_mark,
                f"aliases expand to over {MAX_ALIAS_NODES:,} values; refusing to read this file "
                "(write the values out, or use fewer nested aliases)",
            )
            raise _Abort
        self.add(value, size, ev.start_mark)

    def _key_check(self, ev: Any) -> bool:
        """True when the event starts a mapping key that is not a plain scalar."""
        if self.stack and self.stack[-1].is_map and self.stack[-1].key is _NO_KEY:
            self.problem(ev.start_mark, "mapping keys must be plain words, not lists or mappings")
            return True
        return False

    def open(self, ev: Any, is_map: bool) -> None:
        tag = ev.tag
        if tag not in (None, "!", _MAP if is_map else _SEQ):
            self.problem(ev.start_mark, f'YAML tag "{tag}" is not allowed in scenario files')
        bad_key = self._key_check(ev)
        if len(self.stack) >= MAX_DEPTH:
            self.problem(
                ev.start_mark,
                f"nesting deeper than {MAX_DEPTH} levels; a scenario never needs that many",
            )
            raise _Abort
        frame = _Frame({} if is_map else [], is_map, ev.anchor, ev.start_mark, self.nodes)
        frame.bad_key = bad_key
        if ev.anchor:
            self.open_anchors.add(ev.anchor)
        self.stack.append(frame)

    def close(self, ev: Any) -> None:
        f = self.stack.pop()
        value = f.value
        if f.is_map and f.merges:
            merged: dict[str, Any] = {}
            for m in reversed(f.merges):
                merged.update(m)
            merged.update(value)
            value = merged
        size = self.nodes - f.start + 1
        if f.anchor:
            self.open_anchors.discard(f.anchor)
            self.anchors[f.anchor] = (value, size)
        self.add(_BAD_KEY if f.bad_key else value, size, f.mark)

    # -- driver -------------------------------------------------------------------------------
    def run(self, loader: Any) -> None:
        self._resolver = loader
        get_event = loader.get_event
        yaml = self.lib.yaml
        scalar_cls, start_map, end_map = (
            yaml.ScalarEvent,
            yaml.MappingStartEvent,
            yaml.MappingEndEvent,
        )
        start_seq, end_seq, alias_cls = (
            yaml.SequenceStartEvent,
            yaml.SequenceEndEvent,
            yaml.AliasEvent,
        )
        doc_start = yaml.DocumentStartEvent
        while True:
            ev = get_event()
            if ev is None:
                break
            cls = type(ev)
            self.nodes += 1
            if cls is scalar_cls:
                stack = self.stack
                if stack and stack[-1].is_map and stack[-1].key is _NO_KEY:
                    # keys stay text (``yes:`` is the key "yes"); a plain ``<<`` merges
                    value = ev.value
                    if value == "<<" and ev.tag is None and ev.implicit[0]:
                        value = _MERGE_KEY
                else:
                    value = self.scalar(ev)
                if ev.anchor:
                    self.anchors[ev.anchor] = (value, 1)
                self.add(value, 1, ev.start_mark)
            elif cls is start_map:
                self.open(ev, True)
            elif cls is end_map or cls is end_seq:
                self.close(ev)
            elif cls is start_seq:
                self.open(ev, False)
            elif cls is alias_cls:
                self.alias(ev)
            elif cls is doc_start:
                self.documents += 1
                if self.documents > 1:
                    self.problem(
                        ev.start_mark,
                        'a scenario file holds one YAML document; remove this "---" '
                        "and everything after it, or split the file",
                    )
                    raise _Abort


def parse(text: str, file: str) -> Any:
    """Parse YAML text into plain data (dicts, lists, str, int, float, bool, None, datetime).

    Raises :class:`ScenarioError` with located problems; never lets a YAML exception escape.
    """
    builder = _Builder(file)
    loader: Any = None
    try:
        loader = _loader_class()(text)  # the pure-Python reader checks characters here
        builder.run(loader)
    except _Abort:
        pass
    except builder.lib.yaml.YAMLError as exc:
        builder.problems.append(_syntax_problem(exc, text, file))
    except RecursionError:  # only reachable with the pure-Python parser
        builder.problems.append(Problem(file, 1, 1, f"nesting deeper than {MAX_DEPTH} levels"))
    finally:
        if loader is not None:
            loader.dispose()
    if builder.problems:
        raise ScenarioError(builder.problems)
    return builder.root


# -- locating values after the fact -----------------------------------------------------------
def compose(text: str) -> Node | None:
    """The node tree of text that :func:`parse` has already accepted (so depth is bounded)."""
    node: Node | None = _lib().yaml.compose(text, Loader=_loader_class())
    return node


def _find_key(node: MappingNode, key: str, depth: int = 0) -> tuple[Node, Node] | None:
    lib = _lib()
    merges: list[Node] = []
    for k, v in node.value:
        if k.tag == _MERGE:
            merges.append(v)
        elif isinstance(k, lib.ScalarNode) and k.value == key:
            return k, v
    if depth > MAX_DEPTH:
        return None
    for m in merges:
        candidates = m.value if isinstance(m, lib.SequenceNode) else [m]
        for c in candidates:
            if isinstance(c, lib.MappingNode):
                found = _find_key(c, key, depth + 1)
                if found:
                    return found
    return None


def locate(root: Node | None, loc: Sequence[str | int], at_key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value at ``loc`` (or of its key), else the nearest parent.

    A ``"[key]"`` part (pydantic's marker for a bad dictionary key) points at that key.
    """
    if root is None:
        return 1, 1
    lib = _lib()
    node: Node = root
    mark = node.start_mark
    parts = list(loc)
    for i, part in enumerate(parts):
        if isinstance(node, lib.MappingNode) and isinstance(part, str):
            found = _find_key(node, part)
            if found is None:
                break
            key_node, value_node = found
            last = i == len(parts) - 1
            if (last and at_key) or (i + 1 < len(parts) and parts[i + 1] == "[key]"):
                mark = key_node.start_mark
                break
            node = value_node
            mark = node.start_mark
        elif (
            isinstance(node, lib.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return _pos(mark)
