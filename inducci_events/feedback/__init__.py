"""Questionnaires after events: organisers attach one, attendees answer once, organisers read the summary."""
