"""Several listeners, one subscription: BACKGROUND_API_RESPONSE reaches one URL only.

Visma delivers the event to the application's one webhook subscription, so when the code base
has several listeners for it, the migrated senders add a discriminating custom header
(`webhook-listener: <handler name>`) and the first listener (the subscription's URL) hands each
notification to the handler it names. Done automatically for Flask handlers in one module that
take no parameters after the rewrite (they read everything from `request`); elsewhere a manual
finding explains what to do.
"""

from __future__ import annotations

import re
from typing import Any

from migrator.findings import Edit, Finding, FixSafety, Severity

HEADER = "webhook-listener"
_SIGNATURE = re.compile(r"^(?P<indent>[ \t]*)if not \w+\.signature_ok\((?P<request>[\w.]+)\.get_data\(\)", re.MULTILINE)


def _listeners(found: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in found if f.rule == rule_id and "listener_path" in f.extra and f.edits
            and f.fix is FixSafety.REVIEW and not f.suppressed]


def dispatch(found: list[Finding], rule_id: str) -> list[Finding]:
    """Rewrite `found` in place for several listeners; returns extra (manual) findings."""
    listeners = _listeners(found, rule_id)
    handlers = sorted({(f.path, f.line, f.extra.get("handler", "")) for f in listeners})
    if len(handlers) < 2:
        return []
    first_path, _, first_handler = handlers[0]
    dispatcher = next(f for f in listeners if (f.path, f.extra.get("handler")) == (first_path, first_handler))
    others = [h for h in handlers[1:] if h[2] != first_handler or h[0] != first_path]
    reason = _refusal(listeners, dispatcher, first_path)
    if reason is None:
        lines = _dispatch_lines(dispatcher, [name for _, _, name in others])
        reason = None if lines else "the dispatcher's signature check was not found to add the dispatch after it"
    if reason is not None or lines is None:
        return [_manual(dispatcher, handlers, reason or "no dispatch lines")]
    links = {f.extra["link"] for f in listeners if "link" in f.extra}
    senders = [f for f in found if f.extra.get("link") in links and f.rule != rule_id and f.edits]
    by_link = {f.extra["link"]: f.extra.get("handler", "") for f in listeners if "link" in f.extra}
    for sender in senders:
        name = by_link.get(sender.extra["link"], "")
        maybe = [_with_header(e, name) for e in sender.edits]
        kept = [e for e in maybe if e is not None]
        if len(kept) != len(maybe):
            return [_manual(dispatcher, handlers, f"the sender at {sender.path}:{sender.line} cannot take the header")]
        sender.edits = tuple(kept)
        if sender.replacement:
            sender.replacement = _header_value(sender.replacement, name)
        sender.message += (f" It also sends {HEADER}: {name}, so the one subscription's listener "
                           f"({dispatcher.path}, {first_handler}) hands the notification to {name}")
    dispatcher.edits = lines
    dispatcher.message += (f" It receives every BACKGROUND_API_RESPONSE (Visma delivers the event to one "
                           f"subscription) and dispatches on the {HEADER} header to "
                           f"{', '.join(name for _, _, name in others)}: point the subscription at "
                           f"{dispatcher.extra['listener_path']}")
    dispatcher.extra["dispatches_to"] = [name for _, _, name in others]
    shared = "+".join(sorted(links))  # all senders and listeners: one fix, all or nothing
    for finding in found:
        if finding.extra.get("link") in links:
            finding.extra["link"] = shared
    return []


def _refusal(listeners: list[Finding], dispatcher: Finding, path: str) -> str | None:
    if any(f.extra.get("framework") != "flask" for f in listeners):
        return "only Flask listeners are dispatched automatically"
    if any(f.path != path for f in listeners):
        return "the listeners are in different modules"
    if any(f.extra.get("handler_params", 1) != 0 for f in listeners):
        return "a handler keeps parameters after the rewrite, so it cannot be called from another one"
    return None


def _dispatch_lines(dispatcher: Finding, names: list[str]) -> tuple[Edit, ...] | None:
    """The dispatcher's edits with the dispatch added after its signature check."""
    out: list[Edit] = []
    done = False
    for edit in dispatcher.edits:
        match = _SIGNATURE.search(edit.replacement)
        if match is None or done:
            out.append(edit)
            continue
        indent, request = match["indent"], match["request"]
        newline = "\r\n" if "\r\n" in edit.replacement else "\n"
        check_end = edit.replacement.index(newline, edit.replacement.index(newline, match.start()) + 1) + len(newline)
        unit = "\t" if indent.startswith("\t") else "    "
        dispatch_text = "".join(
            f'{indent}if {request}.headers.get("{HEADER}") == "{name}":{newline}{indent}{unit}return {name}(){newline}'
            for name in names)
        out.append(Edit(edit.start, edit.end, edit.replacement[:check_end] + dispatch_text + edit.replacement[check_end:]))
        done = True
    return tuple(out) if done else None


def _header_value(value: str, name: str) -> str:
    return re.sub(r"subscription(:?)", lambda m: f"subscription:{HEADER}={name}" + ("," if m.group(1) else ""),
                  value, count=1)


def _with_header(edit: Edit, name: str) -> Edit | None:
    if "subscription" not in edit.replacement:
        return edit
    return Edit(edit.start, edit.end, _header_value(edit.replacement, name))


def _manual(dispatcher: Finding, handlers: list[tuple[str, int, str]], reason: str) -> Finding:
    where = ", ".join(f"{path}:{line} ({name})" for path, line, name in handlers)
    message = (f"{len(handlers)} listeners receive BACKGROUND_API_RESPONSE ({where}), but Visma delivers the event to "
               f"the application's one webhook subscription: one job's notification would reach the other job's "
               f"handler. Not dispatched automatically: {reason}. Manual step: add a custom header naming the "
               f"handler to each sender (e.g. `subscription:{HEADER}=<handler>,...`), point the subscription at one "
               "listener and let it call the handler the header names")
    extra: dict[str, Any] = {"listeners": [name for _, _, name in handlers], "framework": dispatcher.extra.get("framework")}
    return Finding(dispatcher.rule, Severity.WARNING, FixSafety.MANUAL, dispatcher.path, dispatcher.line,
                   dispatcher.column, dispatcher.end_line, dispatcher.end_column, message,
                   snippet="several listeners " + dispatcher.snippet[:200], extra=extra)
