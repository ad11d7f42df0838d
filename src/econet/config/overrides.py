"""A study with some of its keys replaced, checked as the study file is.

``with_overrides(study, {"resistance.weights.landcover": 0.3, "sources.mspa.edge_width_m": 60})``
writes each value at its dotted key (list items by index: ``resistance.factors.0.levels``) into
the keys the study was given, and validates the result with the same schema as a study file, so
a value that does not fit is reported at its key. Keys the study left to their defaults stay
defaults, unless an override names them.
"""

from __future__ import annotations

from typing import Any

from econet.config.study import Study, parse_study
from econet.errors import Problem, StudyError


def with_overrides(study: Study, overrides: dict[str, Any], source: str = "overrides") -> Study:
    """``study`` with each dotted key of ``overrides`` set to its value (None removes an
    optional key), validated as a study; raises StudyError naming the keys at fault."""
    data = study.model_dump(mode="python", exclude_unset=True)
    problems = []
    for key, value in overrides.items():
        try:
            _set(data, key.split("."), value)
        except (KeyError, IndexError, TypeError) as exc:
            problems.append(Problem(key, f"no such key in the study ({exc}); check the dotted path"))
    if problems:
        raise StudyError(problems, source)
    # Paths are absolute already; the files were checked when the study was read.
    return parse_study(data, check_files=False, source=source)


def _set(node, parts: list[str], value) -> None:
    """Set ``value`` at the path ``parts`` of nested dicts and lists, creating the tables the
    study left to their defaults."""
    head, rest = parts[0], parts[1:]
    if isinstance(node, list):
        index = int(head) if head.lstrip("-").isdigit() else None
        if index is None:
            raise TypeError(f"{head!r} is not a list index")
        if not rest:
            node[index] = value
            return
        _set(node[index], rest, value)
        return
    if not isinstance(node, dict):
        raise TypeError(f"{head!r} is under a value, not a table")
    if not rest:
        node[head] = value
        return
    if node.get(head) is None:
        node[head] = {}
    _set(node[head], rest, value)


__all__ = ["with_overrides"]
