"""Profiles: creatives and companies describe themselves; a public directory; contact
through the app (a message relayed by e-mail through the outbox, rate-limited)."""
