"""E-mail through an outbox.

A message is rendered (in the recipient's language) and written to the ``outbox`` table
inside the same unit of work as the change that causes it: a rolled-back booking sends
nothing, a committed one is never lost. ``flask mail send`` delivers pending messages
(SMTP, or ``.eml`` files in demo mode), each on its own: one that cannot be sent is failed
with its reason (``/admin/mail``) and the others go on; transient failures retry
with back-off; several workers never send the same message twice.
"""
