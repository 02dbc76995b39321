"""Reach: what each pilot wants to reach (its targets) against what the data says it reached.

Sits above the booking features: it reads their tables to count (``metrics.py``), they
never import it. The counts are registered explicitly in :func:`init_app`.
"""


def init_app(app):
    from . import metrics

    metrics.register_builtin()
