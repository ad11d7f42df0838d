"""Bundled study files: the commented demo study, the study presets of the five studies and
their resistance presets.

A study preset (``econet/presets/studies/<name>.toml``) is a whole study reproducing one paper's
method on the demo city's layers (``econet init --preset NAME``, ``econet demo --preset NAME``;
docs/presets/). Each resistance preset is a TOML file in ``econet/presets/resistance/`` holding a
``[resistance]`` table, with comments saying what the study prints and what econet had to
assume. A study picks one with ``[resistance] preset = "seed001"``; keys it sets itself replace
the preset's.
"""

from __future__ import annotations

import os
import tomllib
from importlib.resources import files
from pathlib import Path
from string import Template


def demo_study_text(study_path, data_dir, landscape: str = "city") -> str:
    """The commented study of the demo ``landscape`` ("city" or "province"), with its data
    paths written relative to ``study_path``."""
    rel = os.path.relpath(Path(data_dir).resolve(), Path(study_path).resolve().parent)
    name = {"city": "demo_study.toml", "province": "province_study.toml"}[landscape]
    text = files("econet.presets").joinpath(name).read_text(encoding="utf-8")
    return Template(text).substitute(data=Path(rel).as_posix())


def study_preset_names() -> list[str]:
    """The available study presets (seed000 ... seed004)."""
    folder = files("econet.presets").joinpath("studies")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def study_preset_text(name: str, study_path, data_dir) -> str:
    """The commented study of preset ``name``, with its data paths written relative to
    ``study_path`` (ValueError names the available presets)."""
    if name not in study_preset_names():
        raise ValueError(f"unknown study preset {name!r}; choose one of {study_preset_names()}")
    rel = os.path.relpath(Path(data_dir).resolve(), Path(study_path).resolve().parent)
    text = files("econet.presets").joinpath("studies", f"{name}.toml").read_text(encoding="utf-8")
    return Template(text).substitute(data=Path(rel).as_posix())


def preset_names() -> list[str]:
    """The available presets."""
    folder = files("econet.presets").joinpath("resistance")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def preset_text(name: str) -> str:
    """The commented TOML of preset ``name`` (ValueError names the available ones)."""
    if name not in preset_names():
        raise ValueError(f"unknown resistance preset {name!r}; choose one of {preset_names()}")
    return files("econet.presets").joinpath("resistance", f"{name}.toml").read_text(encoding="utf-8")


def load_preset(name: str) -> dict:
    """The ``[resistance]`` table of preset ``name``."""
    return tomllib.loads(preset_text(name))["resistance"]


def with_preset(section: dict) -> dict:
    """``section`` on top of its preset (if it names one): its own keys replace the preset's."""
    name = section.get("preset")
    if not isinstance(name, str):
        return section
    return {**load_preset(name), **section}


__all__ = [
    "demo_study_text",
    "load_preset",
    "preset_names",
    "preset_text",
    "study_preset_names",
    "study_preset_text",
    "with_preset",
]
