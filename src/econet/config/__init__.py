"""The study schema: one module per study section, each with the checks of the layers it names.

``load_study`` reads a TOML study file and reports every problem together; ``Study`` is the
validated study that the pipeline runs (docs/architecture.md).
"""

from econet.config.circuit import CircuitSection
from econet.config.connectivity import ConnectivitySection
from econet.config.corridors import CorridorsSection
from econet.config.indicators import INDICATOR_MODELS, IndicatorsSection, ThreatEntry
from econet.config.landcover import ClassEntry, LandCoverSection
from econet.config.layers import RasterLayer, VectorLayer
from econet.config.network import NetworkSection, RobustnessSection
from econet.config.resistance import (
    AHPSpec,
    CorrectionSpec,
    FactorSpec,
    MineBand,
    ResistanceSection,
    SlopeFactor,
)
from econet.config.sensitivity import SensitivitySection
from econet.config.sources import (
    ConnectivityRule,
    IsletsRule,
    MSPASection,
    SensitivityRule,
    ServicesRule,
    SourcesSection,
)
from econet.config.study import SECTIONS, Study, StudyMeta, data_problems, landscape_of, load_study, parse_study
from econet.config.zones import ZonesSection, Zoning

__all__ = [
    "AHPSpec",
    "CircuitSection",
    "ZonesSection",
    "Zoning",
    "ClassEntry",
    "ConnectivityRule",
    "ConnectivitySection",
    "CorrectionSpec",
    "CorridorsSection",
    "FactorSpec",
    "INDICATOR_MODELS",
    "IndicatorsSection",
    "IsletsRule",
    "LandCoverSection",
    "MSPASection",
    "MineBand",
    "NetworkSection",
    "RasterLayer",
    "ResistanceSection",
    "RobustnessSection",
    "SECTIONS",
    "SensitivityRule",
    "SensitivitySection",
    "ServicesRule",
    "SlopeFactor",
    "SourcesSection",
    "Study",
    "StudyMeta",
    "ThreatEntry",
    "VectorLayer",
    "data_problems",
    "landscape_of",
    "load_study",
    "parse_study",
]
