"""Named resistance presets: the factor tables and weights of seeds 000, 001, 002 and 004.

Each preset is a TOML file in ``econet/presets/resistance/`` holding a ``[resistance]`` table,
with comments saying what is printed in the seed and what econet had to assume. A study picks
one with ``[resistance] preset = "seed001"``; keys it sets itself replace the preset's.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files


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


__all__ = ["load_preset", "preset_names", "preset_text", "with_preset"]
