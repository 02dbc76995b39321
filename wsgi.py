"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""
from inducci_events import create_app

app = create_app()
