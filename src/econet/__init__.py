"""econet: ecological spatial networks for (mining) cities, from raw layers to a validated plan.

Stages are pure functions grouped by topic (habitat, connectivity, resistance, corridors,
network, report); ``econet.pipeline`` runs them on a study and ``econet.cli`` is the command line.
"""


def __getattr__(name: str):
    # The version is read from the installed metadata on first use: importlib.metadata costs
    # start-up time that most commands do not need.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("econet")
        except PackageNotFoundError:  # running from a source tree that is not installed
            value = "0.0.0+unknown"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'econet' has no attribute {name!r}")
