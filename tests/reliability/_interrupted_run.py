"""Run a study and stop at a chosen write: ``python _interrupted_run.py STUDY OUT N MODE [FLAG]``.

At the N-th atomic write (products, cached results and manifests count alike) the process kills
itself with SIGKILL (MODE ``before``: the temporary file is complete but not yet renamed;
``after``: renamed, the manifest not yet saved), or, with MODE ``wait``, writes FLAG + ".held"
and waits until FLAG exists, then carries on (the run holds its folder's lock meanwhile).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from econet.config import load_study
from econet.io import atomic
from econet.pipeline import run_study

study, out, n, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
flag = Path(sys.argv[5]) if len(sys.argv) > 5 else None
calls = 0


class _OS:
    """``os`` for econet.io.atomic, with a ``replace`` that stops the run at the N-th write."""

    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def replace(src, dst):
        global calls
        calls += 1
        if calls == n and mode == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        if calls == n and mode == "wait":
            Path(f"{flag}.held").write_text("held")
            while not flag.exists():
                time.sleep(0.05)
        os.replace(src, dst)
        if calls == n and mode == "after":
            os.kill(os.getpid(), signal.SIGKILL)


atomic.os = _OS()
run_study(load_study(study), out, quiet=True, study_path=study)
