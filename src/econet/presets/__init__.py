"""Study templates and the seed studies' presets."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from string import Template


def demo_study_text(study_path, data_dir) -> str:
    """The commented demo study, with its data paths written relative to ``study_path``."""
    rel = os.path.relpath(Path(data_dir).resolve(), Path(study_path).resolve().parent)
    text = files("econet.presets").joinpath("demo_study.toml").read_text(encoding="utf-8")
    return Template(text).substitute(data=Path(rel).as_posix())
