"""In a real browser: /api/v1/docs renders the app's own OpenAPI document with Swagger UI,
served by the app itself (no CDN) and within the Content-Security-Policy."""
import pytest

from inducci_events.api import TAGS

pytestmark = pytest.mark.browser


def test_the_docs_page_shows_every_tag_without_csp_violations(page, live_server, screenshot):
    refused, outside = [], []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(live_server) and not request.url.startswith("data:") else None)

    page.set_default_timeout(60_000)  # Swagger UI's 1.7 MB bundle is slow to start on a busy machine
    page.goto(live_server + "/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "inducci-events API" in page.locator(".swagger-ui .info .title").inner_text()
    for name, _description in TAGS:
        assert page.locator(f"h3#operations-tag-{name}").is_visible(), name
    # An operation opens with its parameters and responses.
    page.locator("#operations-events-get_event").click()
    assert page.get_by_text("event_id").first.is_visible()
    screenshot("api-docs")
    assert not refused, refused
    assert not outside, outside
