"""Redact secrets in text before it reaches any output: the one mechanism every output goes through.

Integration code under migration is full of credentials: VNI tokens that never expired, Visma
Connect client secrets, API Management subscription keys, passwords in connection strings and
URLs. Findings, code context, diffs, logs and reports quote that code, so every byte the tool
writes passes through `redact`: stdout and stderr through `migrator.output.redaction`'s stream
wrapper, every output file through its `write_output`. Three layers, hiding a little too much
rather than leaking:

1. detect-secrets' plugins (a maintained detector, PyPI): its format detectors (AWS, GitHub,
   Slack, Stripe, private keys, JWTs, Basic-auth URLs...) and its keyword detector;
2. Visma-specific patterns: `Bearer`/`Basic`/raw `Authorization` values; keys ending in
   password, pass, pwd, secret, token, api key, subscription key (`Ocp-Apim-Subscription-Key`),
   `sig`, credentials in code, JSON/YAML, .ini/.properties/.env and query strings or forms;
   web.config `<add key="ClientSecret" value="..."/>`; `auth=("user", "pw")`; YAML block and
   folded scalars under a secret key (`clientSecret: >-`); URL passwords; JWTs;
3. values learned while reading: every secret the patterns find in a file the tool reads, in a
   secret-named environment variable (`VISMA_CLIENT_SECRET`), or in a URL in the environment
   or on the command line (`VISMA_TOKEN_URL`, `--base-url` with a password) is remembered, and
   its every later occurrence is redacted wherever it shows up: on a context line without its
   key, HTML- or JSON-escaped, echoed back by a server.

Fails closed: if detect-secrets is not installed, `redact` raises `RedactionUnavailable` and the
output points refuse to print or write rather than let anything through unredacted. Its keyword
detector is imported when a line first needs it (one holding pass, pwd, secret or key); if the
import fails there, that line and everything after it is refused and the command exits 2.
Code references stay readable: `token = get_token()`, `password=settings.DB_PASSWORD`,
`f"Bearer {token}"` and `${API_KEY}` are not secrets and are left alone.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from migrator.needle_lines import exact_lower, lines_holding

MARK = "[redacted]"


class RedactionUnavailable(RuntimeError):
    """The secret detector could not be loaded: nothing may be printed or written."""


# a key naming a secret: it *ends* in one of these words (token_url and token_type do not)
_SECRET_WORD = (
    r"(?:password|passwd|pass|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|secret[_-]?key|"
    r"subscription[_-]?key|access[_-]?key|signing[_-]?key|credentials?|sig|signature)"
)
_KEY = rf"[A-Za-z0-9_.-]*?{_SECRET_WORD}"
_SECRET_KEY_RE = re.compile(rf"^{_KEY}$", re.IGNORECASE)

# k = "v" / "k": "v" / k: 'v'  (quoted literal value)
_QUOTED_ASSIGN = re.compile(
    rf"""(?P<head>(?<![A-Za-z0-9_])(?P<kq>\\?["']?){_KEY}(?P=kq)\s*(?::=|=>|[:=])\s*[rbuRBUfF]{{0,2}})"""
    r"""(?P<q>\\?["'])(?P<value>(?:(?!(?P=q))(?:\\.|.)){1,4096}?)(?P=q)""",
    re.IGNORECASE,
)
# K=v / k: v / k = v / ?k=v&  (unquoted value: .env, YAML, INI, properties, query strings, forms, command lines)
_BARE_ASSIGN = re.compile(
    rf"""(?P<head>(?<![A-Za-z0-9_])(?P<key>{_KEY})(?:[ \t]*=[ \t]*|:[ \t]+))"""
    r"""(?P<value>[^\s"'&,;#<>(){}\[\]`\\]+)(?P<after>[(\[]?)""",
    re.IGNORECASE,
)
# A secret word right before `=` or `:` (a quote and spaces between): every match of the two
# patterns above holds one. `_assigned_key` finds it from each `=` and `:` backwards.
_ASSIGNED_KEY = re.compile(rf"""{_SECRET_WORD}\\?["']?\s*[:=]""", re.IGNORECASE)
_SECRET_WORD_AT_END = re.compile(rf"{_SECRET_WORD}\Z", re.IGNORECASE)
_SECRET_WORD_CHARS = 24  # longer than the longest word `_SECRET_WORD` matches (subscription_key)
_ASSIGN_SIGN = re.compile("[:=]")
# What the last letter of a secret word can be, as re.IGNORECASE matches it (the long s is an s)
_SECRET_WORD_LAST = frozenset("dstnylgeDSTNYLGE\u017f")


def _assigned_key(text: str) -> bool:
    """`_ASSIGNED_KEY.search(text) is not None`, without trying the word list at every position:
    from each `=` and `:`, back over the spaces (`\\s`), an optional quote and an optional
    backslash, a secret word must end there (a several times faster test on a long line)."""
    for sign in _ASSIGN_SIGN.finditer(text):
        end = sign.start()
        while end and text[end - 1].isspace():  # str.isspace is what `\\s` matches in a str pattern
            end -= 1
        ends = [end]
        if end and text[end - 1] in "\"'":
            ends.append(end - 1)
            if end > 1 and text[end - 2] == "\\":
                ends.append(end - 2)
        elif end and text[end - 1] == "\\":
            ends.append(end - 1)
        for at in ends:
            if at and text[at - 1] in _SECRET_WORD_LAST and _SECRET_WORD_AT_END.search(text, max(0, at - _SECRET_WORD_CHARS), at):
                return True
    return False


_BEARER = re.compile(r"\b(?P<head>(?:Bearer|Basic|Token)\s+)(?P<value>[A-Za-z0-9\-._~+/]{8,}=*)", re.IGNORECASE)
_AUTH_HEADER = re.compile(
    r"""(?P<head>\bAuthorization["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|Token)\b)(?P<value>[A-Za-z0-9\-._~+/]{12,}=*)""",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@\"'<>]*:)(?P<value>[^\s/@\"'<>]+)(?=@)")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
# <add key="ClientSecret" value="..."/> (appSettings); the value is named by the key attribute
_XML_KEY_VALUE = re.compile(
    r"""(?P<head>\bkey\s*=\s*(?P<kq>\\?["'])(?P<key>[^"'<>\\]{1,200})(?P=kq)\s+value\s*=\s*(?P<q>\\?["']))(?P<value>[^"'<>\\]{1,4096})(?P=q)""",
    re.IGNORECASE,
)
# auth=("user", "pw"), HTTPBasicAuth("user", "pw"), BasicAuth('user', 'pw')
_AUTH_PAIR = re.compile(
    r"""(?P<head>(?:\bauth\s*=\s*[(\[]|\b\w*(?:Basic|Digest)Auth\()\s*[rbuRBU]?(?P<uq>\\?["'])[^"'\n\\]*(?P=uq)\s*,\s*[rbuRBU]?(?P<q>\\?["']))"""
    r"""(?P<value>[^"'\n\\]{1,4096})(?P=q)""",
    re.IGNORECASE,
)
# clientSecret: >-  /  password: |  followed by more-indented lines (YAML block and folded scalars);
# a diff's or a listing's one-character line prefix (' ', '+', '-') is allowed before each line
_YAML_BLOCK = re.compile(
    rf"""^(?P<p>[ +\-]?)(?P<indent>[ \t]*)-?[ \t]*["']?{_KEY}["']?[ \t]*:[ \t]*[>|][-+0-9]*[ \t]*(?:#.*)?\r?\n"""
    r"""(?P<body>(?:(?P=p)?(?P=indent)[ \t]+\S.*(?:\r?\n|$))+)""",
    re.IGNORECASE | re.MULTILINE,
)
_BLOCK_INDICATOR = re.compile(r":[ \t]*[>|]")

# a cheap first pass: every pattern above (and the keyword detector) needs one of these. An "@"
# matters only after "scheme://user:" (a URL's password), so a diff's hunk headers and e-mail
# addresses do not send their lines through every pattern.
_TRIGGER = re.compile(
    r"eyJ|://[^\s/\"'<>@]*@|bearer|basic|token|authori[sz]ation|pass|pwd|secret|api[_-]?key|apikey|key|credential|sig|auth|contrase",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"^(?:\{.*\}|\$\{?[A-Za-z_][\w]*\}?|%\(?\w*\)?s|<[^>]*>|\*+|\[redacted\]|x+|\.\.\.|%[A-Z_]+%)$", re.IGNORECASE)
_CODE_WORDS = {"none", "null", "nil", "true", "false", "undefined", "os", "self", "this", "env", "process", "required", "optional"}
# `token: str | None` is a type annotation, not a secret
_TYPE_WORDS = {"str", "bytes", "int", "bool", "float", "dict", "list", "optional", "any", "secretstr", "typing.optional"}


def _is_placeholder(value: str) -> bool:
    return not value or bool(_PLACEHOLDER.match(value))


def _looks_like_code(value: str, after: str) -> bool:
    """A bare value that is a call, a subscript or a dotted attribute is code, not a secret."""
    if after:  # get_token(  /  os.environ[
        return True
    if value.lower() in _CODE_WORDS or value.lower() in _TYPE_WORDS:
        return True
    # settings.API_TOKEN, os.environ.get, config.password: dotted identifiers without digits-only parts
    return bool(re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+", value)) and not _JWT.match(value)


# ---------------------------------------------------------------------------------------------
# the maintained detector


FORMATS_FILE = Path(__file__).parent / "data" / "secret_formats.json"


def detect_secrets_formats() -> list[tuple[str, int]]:
    """(pattern, flags) of detect-secrets' format detectors, read from the library itself.

    Entropy plugins would hide digests and fingerprints; IP addresses are the allowlist check's
    subject; keyword-shaped detectors (IBM, SoftLayer, Cloudant `..._key = value`) are left to the
    keyword detector and the key patterns here: they cost more than all the others together."""
    from detect_secrets.core.plugins.util import (
        get_mapping_from_secret_type_to_class,
    )
    from detect_secrets.plugins.base import RegexBasedDetector

    skipped = ("High Entropy", "Public IP", "Secret Keyword")
    found: list[tuple[str, int]] = []
    plugin: Any
    for secret_type, plugin in get_mapping_from_secret_type_to_class().items():
        if any(word in secret_type for word in skipped) or not issubclass(plugin, RegexBasedDetector):
            continue
        found.extend((p.pattern, p.flags) for p in plugin().denylist if not p.pattern.startswith("(?:(?<=\\W)|(?<=^))"))
    return found


def _formats(version: str) -> list[tuple[str, int]]:
    """The format detectors of the installed detect-secrets. Importing it costs a tenth of a
    second (it pulls in requests), paid by every run for its one summary line; so the patterns of
    the release the package was built against ship in `data/secret_formats.json` and are used
    when that same release is installed. Any other release is read directly."""
    shipped = _shipped()
    if shipped.get("detect_secrets") == version and shipped.get("patterns"):
        return [(str(p), int(f)) for p, f in shipped["patterns"]]
    return detect_secrets_formats()


def _shipped() -> dict[str, Any]:
    """`data/secret_formats.json` ({} when it cannot be read), read once."""
    global _SHIPPED
    if _SHIPPED is None:
        try:
            _SHIPPED = json.loads(FORMATS_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _SHIPPED = {}
        if not isinstance(_SHIPPED, dict):
            _SHIPPED = {}
    return _SHIPPED


_SHIPPED: dict[str, Any] | None = None


def _installed_version() -> str:
    """detect-secrets' installed release, from its `.dist-info` folder beside the package when
    that is where it lives (`importlib.metadata` alone costs a tenth of the start-up)."""
    import importlib.util

    spec = importlib.util.find_spec("detect_secrets")
    if spec is None or not spec.origin:
        raise RuntimeError("detect-secrets is not installed")
    found = sorted(Path(spec.origin).parent.parent.glob("detect_secrets-*.dist-info"))
    if len(found) == 1:
        return found[0].name[len("detect_secrets-"):-len(".dist-info")]
    import importlib.metadata

    return importlib.metadata.version("detect-secrets")


def _scoped(pattern: str, flags: int) -> str:
    """`pattern` as a group of a combined expression that keeps its own case and verbose flags."""
    inline = ("i" if flags & re.IGNORECASE else "") + ("x" if flags & re.VERBOSE else "")
    return f"(?{inline}:{pattern})" if inline else f"(?:{pattern})"


class _Detector:
    """detect-secrets' format detectors (one combined screen, then each) and its keyword detector
    (imported on the first line that needs it)."""

    def __init__(self) -> None:
        self.version = _installed_version()  # not installed: redaction is unavailable
        formats = _formats(self.version)
        if not formats:
            raise RuntimeError("detect-secrets has no detectors")
        self.patterns = [re.compile(p, f) for p, f in formats]
        self.screen = re.compile("|".join(_scoped(p, f) for p, f in formats))
        # a literal each pattern's every match holds (as the pattern's own flags match it), or None
        self.gates = [_required_literal(p) for p in self.patterns]
        # a case-insensitive gate's literal in lower case, found with `str.find` in the lower-cased text
        self.folded_gates = [max(_literal_runs(p) or [""], key=len).lower()
                             if isinstance(g, re.Pattern) and p.flags & re.IGNORECASE else None
                             for p, g in zip(self.patterns, self.gates)]
        self._keyword: Any = None
        self._keyword_screen: re.Pattern[str] | None = None
        self._keyword_needles: tuple[str, ...] | None | bool = False  # False: not derived yet

    @property
    def keyword_screen(self) -> re.Pattern[str]:
        """The keyword detector's own word list as one pattern: each of its patterns needs one of
        those words (`api_key`, `password`..., not `key` alone, a word this tool's output is full of)."""
        if self._keyword_screen is None:
            words = _shipped().get("keyword_denylist") if _shipped().get("detect_secrets") == self.version else None
            if not words:  # importing the detector costs a fifth of a second: only for another release
                try:
                    from detect_secrets.plugins import keyword

                    words = list(keyword.DENYLIST)
                except Exception:  # noqa: BLE001 - a release without the list: the broad screen
                    words = None
            self._keyword_screen = re.compile("|".join(words), re.IGNORECASE) if words else _KEYWORD_SCREEN
        return self._keyword_screen

    @property
    def keyword_needles(self) -> tuple[str, ...] | None:
        """Every spelling of every word of the keyword screen, lower-cased (`api_?key`: `apikey` and
        `api_key`), or None when some word is more than letters and optional letters: `str.find`
        screens a line in a fraction of the pattern's time."""
        if self._keyword_needles is False:
            needles: list[str] | None = []
            for word in self.keyword_screen.pattern.split("|"):
                spelled = _spellings(word)
                if spelled is None or needles is None:
                    needles = None
                    break
                needles.extend(spelling.lower() for spelling in spelled)
            self._keyword_needles = tuple(needles) if needles else None
        return self._keyword_needles  # type: ignore[return-value]

    def _screened_out(self, line: str) -> bool:
        """True when no word of the keyword screen can match in `line` (False: try the screen)."""
        needles = self.keyword_needles
        return needles is not None and not _may_hold(line, needles)

    @property
    def keyword(self) -> Any:
        if self._keyword is None:
            try:
                from detect_secrets.plugins.keyword import KeywordDetector

                self._keyword = KeywordDetector()
            except Exception as exc:  # noqa: BLE001 - any failure to load means: print nothing
                raise RedactionUnavailable(f"secret redaction is unavailable ({type(exc).__name__}: {exc}); "
                                           "refusing to output anything") from None
        return self._keyword

    def format_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of the values detect-secrets' format detectors find in `text`."""
        spans: list[tuple[int, int]] = []
        # for the case-insensitive gates, when lower case is exact
        lowered = exact_lower(text) if any(isinstance(gate, re.Pattern) for gate in self.gates) else None
        for pattern, gate, folded in zip(self.patterns, self.gates, self.folded_gates):
            if gate is None:
                pass
            elif isinstance(gate, str):
                if gate not in text:
                    continue  # the literal every match holds is absent: the pattern need not run
            elif not (folded in lowered if lowered is not None and folded else gate.search(text)):
                continue
            for match in pattern.finditer(text):
                # a group that holds the value (a URL's password) when it is long enough to be
                # one; else the whole match (`(ghp|gho)_...`: the group is only the prefix)
                group = match.lastindex or 0
                if group and (match.start(group) < 0 or match.end(group) - match.start(group) < 4):
                    group = 0
                spans.append((match.start(group), match.end(group)))
        return spans

    def values(self, line: str) -> list[tuple[int, int]]:
        """Spans of the values the keyword detector finds on one line."""
        spans: list[tuple[int, int]] = []
        if self._screened_out(line):
            return spans
        if self.keyword_screen.search(line):
            for found in self.keyword.analyze_line(filename="output.py", line=line, line_number=0):
                value = found.secret_value or ""
                if len(value) >= 3 and not _is_placeholder(value):
                    start = line.find(value)
                    while start >= 0:
                        spans.append((start, start + len(value)))
                        start = line.find(value, start + len(value))
        return spans


def _parsed(pattern: str, flags: int) -> tuple[Any, list[Any] | None]:
    """(the regular-expression parser module, the top-level items of `pattern`), the items None
    when the parser cannot read it (an internal module that changed: the pattern then runs as it is)."""
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # Python 3.10 and older name it sre_parse
        import sre_parse  # type: ignore[no-redef]
    try:
        return sre_parse, list(sre_parse.parse(pattern, flags))
    except Exception:  # noqa: BLE001 - any failure to read it
        return sre_parse, None


def _literal_runs(pattern: re.Pattern[str]) -> list[str] | None:
    """The runs of literal characters at the top level of `pattern`, which every match holds (in
    the pattern's case), or None when its text cannot be read."""
    sre_parse, items = _parsed(pattern.pattern, pattern.flags)
    if items is None:
        return None
    runs, run = [], ""
    for op, value in items + [(None, None)]:
        if op is sre_parse.LITERAL:
            run += chr(value)
            continue
        if run:
            runs.append(run)
        run = ""
    return runs


def _spellings(word: str, most: int = 64) -> list[str] | None:
    """Every string the pattern `word` matches when it is made of literal characters and optional
    ones (`api_?key`), else None."""
    sre_parse, items = _parsed(word, 0)
    if items is None:
        return None
    spelled = [""]
    for op, value in items:
        if op is sre_parse.LITERAL:
            spelled = [s + chr(value) for s in spelled]
            continue
        if op is sre_parse.MAX_REPEAT and value[0] == 0 and value[1] == 1:
            inner = list(value[2])
            if len(inner) == 1 and inner[0][0] is sre_parse.LITERAL:
                spelled = spelled + [s + chr(inner[0][1]) for s in spelled]
                if len(spelled) > most:
                    return None
                continue
        return None
    return spelled if all(spelled) else None


def _required_literal(pattern: re.Pattern[str]) -> str | re.Pattern[str] | None:
    """The longest run of literal characters at the top level of `pattern` (3 or more), which every
    match holds: a plain string, or under IGNORECASE a pattern of that run alone with the same flags;
    else a pattern of the run of single characters every match holds (`AP[\\dABCDEF]`)."""
    best = max(_literal_runs(pattern) or [""], key=len)
    if len(best) < 3:
        return _required_run(pattern)
    if pattern.flags & re.IGNORECASE:
        return re.compile(re.escape(best), pattern.flags & (re.IGNORECASE | re.UNICODE | re.ASCII))
    return best


def _required_run(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The longest run of top-level items of `pattern` that each match one character (a literal or
    a character class) and that starts with two literals, as a pattern of its own (same flags), when
    it is three items or more. Every match of `pattern` holds a match of it, and `re` finds it by its
    literal start: `(?:\\s|=|^)AP[\\dABCDEF]...` has no literal of three, but `AP[\\dABCDEF]` is
    quick to look for in text full of `API`."""
    sre_parse, items = _parsed(pattern.pattern, pattern.flags)
    if items is None:
        return None
    best: list[str] = []
    run: list[str] = []
    for op, value in items + [(None, None)]:
        item = _one_character(sre_parse, op, value)
        if item is not None and (len(run) >= 2 or op is sre_parse.LITERAL):
            run.append(item)
            continue
        if len(run) > len(best):
            best = run
        run = []  # a literal is never where a run stops
    if len(best) < 3:
        return None
    return re.compile("".join(best), pattern.flags & (re.IGNORECASE | re.UNICODE | re.ASCII))


def _one_character(sre_parse: Any, op: Any, value: Any) -> str | None:
    """The pattern text of an item that matches exactly one character, or None."""
    if op is sre_parse.LITERAL:
        return re.escape(chr(value))
    if op is not sre_parse.IN:
        return None
    parts = []
    for kind, arg in value:
        if kind is sre_parse.LITERAL:
            parts.append(re.escape(chr(arg)))
        elif kind is sre_parse.RANGE:
            parts.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif kind is sre_parse.CATEGORY and arg in _CATEGORIES:
            parts.append(_CATEGORIES[arg])
        else:
            return None  # a negated class, or something else this reader does not spell
    return "[" + "".join(parts) + "]"


def _category_names() -> dict[Any, str]:
    sre_parse, _ = _parsed("", 0)
    return {sre_parse.CATEGORY_DIGIT: r"\d", sre_parse.CATEGORY_WORD: r"\w", sre_parse.CATEGORY_SPACE: r"\s"}


_CATEGORIES = _category_names()


_KEYWORD_SCREEN = re.compile(r"pass|pwd|secret|key|contrase", re.IGNORECASE)  # every word of the detector's list holds one
_detector: _Detector | None = None
_detector_error: str | None = None
_lock = threading.RLock()


def ensure_available() -> None:
    """Load the detector; raises RedactionUnavailable (with the reason) when it cannot be loaded."""
    global _detector, _detector_error
    with _lock:
        if _detector is not None:
            return
        if _detector_error is None:
            try:
                _detector = _Detector()
                return
            except Exception as exc:  # noqa: BLE001 - any failure to load means: print nothing
                _detector_error = f"{type(exc).__name__}: {exc}"
        raise RedactionUnavailable(
            f"secret redaction is unavailable ({_detector_error}); refusing to output anything "
            "(reinstall vni-migrate so that detect-secrets can be imported)")


# ---------------------------------------------------------------------------------------------
# values learned while reading files, the environment and the command line

_known: set[str] = set()
_PLAIN_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^@\s]*$|^/[\w./-]*$")  # URLs without credentials, paths
_known_re: re.Pattern[str] | None = None


def _worth_learning(value: str) -> bool:
    """Long and specific enough that redacting it everywhere cannot hide ordinary words."""
    if len(value) < 6 or _is_placeholder(value) or value.lower() in _CODE_WORDS:
        return False
    if _PLAIN_URL.match(value):  # `token: https://connect.visma.com/connect/token` names an endpoint
        return False
    return len(value) >= 12 or bool(re.search(r"\d", value)) or not value.isalpha() or value != value.lower()


def _remember(value: str) -> None:
    global _known_re
    value = value.strip()
    if not _worth_learning(value):
        return
    with _lock:
        forms = {value, html.escape(value, quote=True), json.dumps(value)[1:-1]}
        new = forms - _known
        if new:
            _known.update(new)
            _known_re = None  # compiled again at the next redact


def _known_pattern() -> re.Pattern[str] | None:
    global _known_re
    with _lock:
        if _known_re is None and _known:
            _known_re = re.compile("|".join(re.escape(v) for v in sorted(_known, key=len, reverse=True)))
        return _known_re


_learned: set[bytes] = set()  # digests of the texts already learned (a file is read by several phases)
# In a worker process: what `learn` found, kept for the parent (a worker prints nothing, so what it
# remembers itself would protect nothing). See `harvest_for_parent`, `harvested` and `adopt`.
_harvest: list[tuple[bytes, tuple[str, ...]]] | None = None


def learn(text: str) -> None:
    """Remember every secret value the patterns find in `text` (a file being read, an option value),
    so that it is redacted wherever it appears later, even away from its key."""
    if not text:
        return
    # the digest first: the project phase reads again texts the workers have learned
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    with _lock:
        if digest in _learned:
            return
        _learned.add(digest)
    if not _has_trigger(text):
        return
    if _harvest is None:
        _apply(text, _remember)
        return
    values: list[str] = []
    _apply(text, values.append)
    _harvest.append((digest, tuple(values)))


def harvest_for_parent() -> None:
    """In a worker process: from now on `learn` keeps what it finds for `harvested`."""
    global _harvest
    _harvest = []


def harvested() -> tuple[tuple[bytes, tuple[str, ...]], ...]:
    """What `learn` found since the last call (in a worker), to hand to the parent's `adopt`."""
    if not _harvest:
        return ()
    out = tuple(_harvest)
    _harvest.clear()
    return out


def adopt(harvest: tuple[tuple[bytes, tuple[str, ...]], ...]) -> None:
    """Remember what a worker's `learn` found, as if this process had read those texts itself (so
    it need not read them again to learn them)."""
    for digest, values in harvest:
        with _lock:
            if digest in _learned:
                continue
            _learned.add(digest)
        for value in values:
            _remember(value)


def learn_environment(environ: dict[str, str] | None = None, argv: list[str] | None = None) -> None:
    """Remember secret-named environment variables, and secrets inside any environment value or
    command-line argument (a password in VISMA_TOKEN_URL or --base-url)."""
    environ = dict(os.environ) if environ is None else environ
    for name, value in environ.items():
        if name.upper() in ("PWD", "OLDPWD"):  # the working folder, not a password
            continue
        secret_name = is_secret_key(name) or re.search(r"(?:SECRET|PASSWORD|TOKEN|API_?KEY|CREDENTIAL)", name, re.IGNORECASE)
        if secret_name and not name.upper().endswith(("_URL", "_URI", "_FILE", "_PATH", "_TYPE", "_SCOPE")):
            _remember(value)
        learn(value)
    for arg in sys.argv[1:] if argv is None else argv:
        learn(arg)


# ---------------------------------------------------------------------------------------------
# redaction


def redact(text: str) -> str:
    """Return `text` with every secret it contains replaced by `[redacted]`.

    Raises RedactionUnavailable when the detector cannot be loaded (fail closed)."""
    if not text:
        return text
    ensure_available()
    known = _known_pattern()
    if known is not None:
        text = known.sub(MARK, text)
    if len(text) > 4096 and "\n" in text:
        text = _apply(text, None)  # line by line, only where a trigger word stands
    elif _TRIGGER.search(text):  # most strings hold no trigger word: skip the patterns
        text = _apply(text, None)
    # AKIA..., ghp_..., xoxb-...: no key word needed. One combined screen is cheapest for a short
    # string; each detector over a long text.
    if _detector is not None and (len(text) > 2000 or _detector.screen.search(text)):
        text = _replace_spans(text, _detector.format_spans(text), None)
    return text


def _apply(text: str, found: Any) -> str:
    """Redact (or, with `found`, report each secret value to it) every pattern in `text`."""
    # The block pattern is tried at every line start; a text with no `key: |` or `key: >` at all
    # (most source files) skips it.
    if ":" in text and "\n" in text and _BLOCK_INDICATOR.search(text):
        text = _YAML_BLOCK.sub(lambda m: _sub_block(m, found), text)
    if len(text) > 4096 and "\n" in text:
        # Every other pattern is bounded by a line: redact only the lines that hold a trigger word,
        # which keeps a large diff or report fast.
        out: list[str] = []
        done = 0
        for start, end in _trigger_lines(text):
            out.append(text[done:start])
            out.append(_redact_line(text[start:end], found) if found is not None else _redacted_line(text[start:end]))
            done = end
        out.append(text[done:])
        return "".join(out)
    return _redact_line(text, found)


# Each alternative of `_TRIGGER` holds one of these once lower-cased.
_TRIGGER_WORDS = ("eyj", "@", "bearer", "basic", "token", "auth", "pass", "pwd", "secret", "key", "credential", "sig", "contrase")
_WHOLE_TRIGGER_WORDS = tuple(word for word in _TRIGGER_WORDS if word != "@")


def _trigger_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `text` that holds a `_TRIGGER` match, in order: the pattern is
    tried only on the lines that hold a trigger word (`migrator.needle_lines`)."""
    lines = lines_holding(text, _TRIGGER_WORDS)
    if lines is None:
        return _lines_of(text, (m.start() for m in _TRIGGER.finditer(text)))
    lowered = text.lower()  # as long as `text`: lines_holding said so
    # Each word but `@` is itself a way `_TRIGGER` matches (in lower case, which lines_holding has
    # shown to be exact here); a line that holds only `@` needs the pattern (`://...@`).
    return [(start, end) for start, end in lines
            if any(lowered.find(word, start, end) >= 0 for word in _WHOLE_TRIGGER_WORDS) or _TRIGGER.search(text, start, end)]


def _has_trigger(text: str) -> bool:
    """`_TRIGGER.search(text) is not None`, searched line by line in a long text."""
    if len(text) <= 4096:
        return _TRIGGER.search(text) is not None
    return bool(_trigger_lines(text))


def _lines_of(text: str, positions: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    done = 0
    for at in positions:
        if at < done:
            continue
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        done = end = len(text) if end < 0 else end + 1
        out.append((start, end))
    return out


def _sub_block(match: re.Match[str], found: Any) -> str:
    body = match.group("body")
    lines = body.splitlines(keepends=True)
    redacted = []
    for line in lines:
        content = line.rstrip("\r\n")
        stripped = content.lstrip(" \t+-")
        if found is not None:
            found(stripped)
        redacted.append(content[: len(content) - len(stripped)] + MARK + line[len(content):])
    return match.group(0)[: match.start("body") - match.start()] + "".join(redacted)


# Lines already redacted in this process: a diff repeats its context and changed lines across
# files, and redacting a line depends on nothing but the line (known values are replaced before).
_LINE_CACHE: dict[str, str] = {}
_LINE_CACHE_ENTRIES = 65_536


def _redacted_line(line: str) -> str:
    out = _LINE_CACHE.get(line)
    if out is None:
        out = _redact_line(line, None)
        if len(_LINE_CACHE) >= _LINE_CACHE_ENTRIES:
            _LINE_CACHE.clear()
        _LINE_CACHE[line] = out
    return out


def _redact_line(text: str, found: Any) -> str:  # noqa: C901 - one pass over a line for every secret form
    def value(match: re.Match[str]) -> str:
        if found is not None:
            found(match.group("value"))
        return f"{match.group('head')}{MARK}"

    def quoted(match: re.Match[str]) -> str:
        secret = match.group("value")
        if _is_placeholder(secret) or "{" in secret and match.group("head").rstrip().endswith(("f", "F")):
            return match.group(0)
        if found is not None:
            found(secret)
        return f"{match.group('head')}{match.group('q')}{MARK}{match.group('q')}"

    def bare(match: re.Match[str]) -> str:
        secret, after = match.group("value"), match.group("after")
        if secret.startswith(("$", "%", "!", ">", "|")) or _is_placeholder(secret) or _looks_like_code(secret, after):
            return match.group(0)  # !Ref: a YAML tag; > and |: a block scalar, handled above
        if secret.lower() in (match.group("key").lower(), match.group("key").rsplit(".", 1)[-1].lower()):
            # token=token, self.password = password: a variable passed along
            return match.group(0)
        if found is not None:
            found(secret)
        return f"{match.group('head')}{MARK}{after}"

    def xml_pair(match: re.Match[str]) -> str:
        if not is_secret_key(match.group("key")) or _is_placeholder(match.group("value")):
            return match.group(0)
        if found is not None:
            found(match.group("value"))
        return f"{match.group('head')}{MARK}{match.group('q')}"

    def pair(match: re.Match[str]) -> str:
        if _is_placeholder(match.group("value")):
            return match.group(0)
        if found is not None:
            found(match.group("value"))
        return f"{match.group('head')}{MARK}{match.group('q')}"

    if "eyJ" in text:
        text = _JWT.sub(lambda m: (found(m.group()) if found else None) or MARK, text)
    if "@" in text:
        text = _URL_PASSWORD.sub(value, text)
    if _may_hold(text, ("bearer", "basic", "token")):
        text = _BEARER.sub(value, text)
    if _may_hold(text, ("authorization",)):
        text = _AUTH_HEADER.sub(value, text)
    if "key" in text.lower():
        text = _XML_KEY_VALUE.sub(xml_pair, text)
    if "auth" in text.lower():
        text = _AUTH_PAIR.sub(pair, text)
    if _assigned_key(text):  # what both assignment patterns need; most lines hold none
        text = _QUOTED_ASSIGN.sub(quoted, text)
        text = _BARE_ASSIGN.sub(bare, text)
    if _detector is not None and found is None:  # learning needs only the patterns above
        text = "".join(_detector_pass(line, found) for line in text.splitlines(keepends=True))
    return text


def _may_hold(text: str, needles: tuple[str, ...]) -> bool:
    """False only when no case-insensitive match of a pattern that needs one of the lower-case
    `needles` can be in `text` (`str.find` costs a fraction of a failed pattern search)."""
    lowered = exact_lower(text)
    return lowered is None or any(needle in lowered for needle in needles)


def _detector_pass(line: str, found: Any) -> str:
    assert _detector is not None
    return _replace_spans(line, _detector.values(line), found)


def _replace_spans(line: str, found_spans: list[tuple[int, int]], found: Any) -> str:
    spans = sorted(set(found_spans))
    if not spans:
        return line
    out, done = [], 0
    for start, end in spans:
        if start < done or MARK in line[start:end]:
            continue
        if found is not None:
            found(line[start:end])
        out.append(line[done:start])
        out.append(MARK)
        done = end
    out.append(line[done:])
    return "".join(out)


def is_secret_key(key: str) -> bool:
    """Whether a mapping key names a secret (`client_secret`, `accessToken`, `DB_PASSWORD`...)."""
    return bool(_SECRET_KEY_RE.match(key.replace(" ", "_")))


def redact_obj(obj: Any) -> Any:
    """Deep copy of `obj` (dicts, lists, tuples, strings) with secrets redacted.

    Strings are passed through `redact`; a string value under a key that names a secret is
    replaced whole (`{"client_secret": "abc"}` -> `{"client_secret": "[redacted]"}`).
    """
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, dict):
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            new_key = redact(key) if isinstance(key, str) else key
            if isinstance(key, str) and isinstance(value, str) and value and is_secret_key(key):
                out[new_key] = MARK
            else:
                out[new_key] = redact_obj(value)
        return out
    if isinstance(obj, list):
        return [redact_obj(item) for item in obj]
    if isinstance(obj, tuple):
        return tuple(redact_obj(item) for item in obj)
    return obj
