"""Which feature composes which kind of deferred message: a registry per application.

Each feature registers its composers explicitly when the app is built (its
``notifications.init_app(app)``, called by ``create_app``), never as a side effect of an
import: a process that built the app knows every kind, whatever it imported.
``compose(kind, user, payload)`` returns the message's fields (recipient, texts, ``.ics``).
"""
from flask import current_app

_KEY = "mail_composers"


def register(app, kinds, compose):
    """Let ``compose`` fill in deferred messages of ``kinds`` in ``app``."""
    registry = app.extensions.setdefault(_KEY, {})
    for kind in kinds:
        if registry.get(kind, compose) is not compose:
            raise ValueError(f"two composers for {kind!r}")
        registry[kind] = compose


def composer_for(kind):
    """The composer of ``kind`` in the current app, or ``None``."""
    return current_app.extensions.get(_KEY, {}).get(kind)
