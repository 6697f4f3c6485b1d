"""Sozialraum-Monitor domain package: data package, validation, aggregation, CLI.

Plain Python and pandas; never imports Dash, so everything here is unit-testable.
"""

__version__ = "0.1.0"
