"""Progress and messages: piped output line by line as it happens, counted steps with their
percentage, and no rich markup eating bracketed text."""

import io

import pytest
from rich.console import Console

from econet.cli._common import _report
from econet.errors import LayerError, Problem, StudyError
from econet.report.progress import StageProgress
from econet.steps import steps


def test_piped_progress_prints_each_stage_and_quarter_as_it_happens():
    out = io.StringIO()
    seen = []
    with StageProgress(console=Console(file=out, width=100)) as progress:
        progress.start("Corridors [layers]")
        for i in steps(range(8), "searches [one per source]"):
            seen.append(out.getvalue().count("\n"))  # lines written before each item
        progress.done("Corridors [layers]", 1.25)
        progress.done("Network", 0.0, cached=True)
    lines = out.getvalue().splitlines()
    assert lines[0] == "… Corridors [layers]"
    assert [line.split(":")[1].split("(")[0].strip() for line in lines[1:5]] == ["25 %", "50 %", "75 %", "100 %"]
    assert lines[1].startswith("  searches [one per source]: 25 % (2 of 8), about ")
    assert lines[4] == "  searches [one per source]: 100 % (8 of 8)"
    assert seen == [1, 1, 2, 2, 3, 3, 4, 4]  # each quarter is out before the next item starts
    assert lines[5].split() == ["✓", "Corridors", "[layers]", "1.2", "s"]
    assert lines[6].split() == ["✓", "Network", "reused"]


def test_quiet_prints_nothing_and_steps_run_without_a_listener():
    out = io.StringIO()
    with StageProgress(quiet=True, console=Console(file=out)) as progress:
        progress.start("A")
        assert list(steps(range(3), "x")) == [0, 1, 2]
        progress.done("A", 1.0)
    assert out.getvalue() == "" and list(steps([5, 6], "outside")) == [5, 6]


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        (
            StudyError(
                [Problem("sources.rules", "names layer 'lst', which is not in [layers]; add [layers.lst]")], "s"
            ),
            "sources.rules: names layer 'lst', which is not in [layers]; add [layers.lst]",
        ),
        (LayerError("[layers.dem]", "missing [bold]x[/bold]"), "[layers.dem]"),
    ],
)
def test_error_messages_keep_bracketed_text(exc, text, capsys):
    _report(exc)
    err = capsys.readouterr().err
    assert text in " ".join(err.split())
    if isinstance(exc, LayerError):
        assert "[bold]x[/bold]" in err  # markup in a message is printed, not interpreted
