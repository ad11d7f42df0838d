"""Property-based fuzzing of the study schema: whatever a study file holds, reading it either
gives a Study or raises StudyError (reported with exit code 2), never anything else."""

from __future__ import annotations

import tomllib

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from econet.config import SECTIONS, Study, load_study, parse_study
from econet.errors import StudyError


def _keys(model: type[BaseModel], seen=None) -> set[str]:
    """Every key name of the schema, sub-sections included."""
    seen = set() if seen is None else seen
    out = set(model.model_fields)
    for f in model.model_fields.values():
        for t in _types(f.annotation):
            if isinstance(t, type) and issubclass(t, BaseModel) and t not in seen:
                seen.add(t)
                out |= _keys(t, seen)
    return out


def _types(annotation):
    args = getattr(annotation, "__args__", None)
    if not args:
        return [annotation]
    return [t for a in args for t in _types(a)]


KEYS = sorted(_keys(Study) | set(SECTIONS) | {"layers", "vectors", "landcover", "dem", "roads", "mines"})
key = st.sampled_from(KEYS) | st.text(min_size=1, max_size=8)
scalar = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["landcover", "dem", "categorical", "continuous", "ahp", "given", "EPSG:4548", "1/3", ""])
)
value = st.recursive(
    scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(key, inner, max_size=5), max_leaves=20
)
section = st.dictionaries(key, value, max_size=6)
layer = st.fixed_dictionaries(
    {"path": st.sampled_from(["lc.tif", "dem.tif", "", "/nowhere/x.tif"]) | st.text(max_size=6)},
    optional={"kind": st.sampled_from(["categorical", "continuous", "other"]), "band": st.integers(-2, 3),
              "nodata": scalar, "extra": scalar},
)  # fmt: skip
study = st.fixed_dictionaries(
    {},
    optional={
        **{name: section for name in SECTIONS},
        "layers": st.dictionaries(st.sampled_from(["landcover", "dem", "ndvi"]) | key, layer, max_size=3) | value,
        "vectors": st.dictionaries(key, layer, max_size=2) | value,
    },
) | st.dictionaries(key, value, max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(study)
def test_any_study_is_a_study_or_a_study_error(data):
    try:
        parse_study(data, base_dir=".", check_files=False)
    except StudyError as exc:
        assert exc.problems and all(p.where and p.message for p in exc.problems)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(study)
def test_any_study_file_is_validated_without_raising_anything_else(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "study.toml"
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):  # not expressible in TOML (e.g. lists of mixed tables)
        return
    path.write_text(text)
    assert tomllib.loads(text) is not None
    try:
        load_study(path)
    except StudyError:
        pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_any_bytes_are_a_study_error_at_worst(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "study.toml"
    path.write_bytes(raw)
    try:
        load_study(path)
    except StudyError:
        pass


def _demo() -> dict:
    from econet.presets import demo_study_text

    return tomllib.loads(demo_study_text("study.toml", "data"))


DEMO = _demo()


def _paths(node, prefix=()):
    """Every key path of a nested study dict (list items by index)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(DEMO) if p]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_valid_study_with_any_key_changed_is_a_study_or_a_study_error(data):
    import copy

    d = copy.deepcopy(DEMO)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(PATHS))
        node = d
        try:
            for k in path[:-1]:
                node = node[k]
            if data.draw(st.booleans()) and isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = data.draw(value)
        except (KeyError, IndexError, TypeError):  # an earlier change removed or replaced the path
            continue
    try:
        parse_study(d, base_dir=".", check_files=False)
    except StudyError as exc:
        assert exc.problems
