"""The audit log: who changed someone else's data, when, what, and the previous value.

Services record an entry inside their own unit of work (:func:`services.record`), so an
action and its entry are committed together or not at all. Below the features, like
``mail/``: it imports no feature.
"""
