"""The error types a user sees.

Every error carries a message that names the layer or key at fault and says what to do.
The command line turns them into a report and exit code 2; no traceback reaches a user.
"""

from __future__ import annotations

from dataclasses import dataclass


class EconetError(Exception):
    """Base class for errors caused by the user's inputs or configuration."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a study: where (a dotted key path or layer name) and what to do."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class StudyError(EconetError):
    """A study file (or the inputs it names) has one or more problems, reported together."""

    def __init__(self, problems: list[Problem], source: str = "study"):
        self.problems = list(problems)
        self.source = source
        n = len(self.problems)
        head = f"{source}: {n} problem{'s' if n != 1 else ''} found"
        super().__init__("\n".join([head] + [f"  - {p}" for p in self.problems]))


class EconetWarning(UserWarning):
    """Something econet repaired or left out of the inputs; the command line shows it as a note."""


class LayerError(EconetError):
    """A single input layer is unusable; the message names the layer and the fix."""

    def __init__(self, layer: str, message: str):
        self.layer = layer
        super().__init__(f"layer '{layer}': {message}")
