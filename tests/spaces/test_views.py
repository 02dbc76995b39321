"""The pages through HTTP: status codes, redirects, flashed text and what the pages show."""
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from babel.dates import format_interval

from inducci_events.core.auth import COMMAND_LINE
from inducci_events.extensions import db
from inducci_events.spaces import services
from inducci_events.spaces.models import SpaceBooking, SpaceListing
from tests.conftest import count, csrf_from
from tests.spaces.conftest import book, day


def _form(first, last, **extra):
    data = {"start_date": first.isoformat(), "last_day": last.isoformat(), "units": "1",
            "purpose": "A pop-up repair café", "accept_terms": "y"}
    data.update(extra)
    return data


def test_search_lists_published_spaces_free_for_the_range(client, make_listing, make_user):
    shop = make_listing(booking_mode="instant")
    make_listing(title="Secret draft", status="draft")
    showroom = make_listing(title="CCI Showcase showroom", kind="showroom_shelf", units=15)
    book(make_user(), shop, 10, 5)
    page = client.get("/spaces/").get_data(as_text=True)
    assert "KRACH shop Innere Klosterstraße" in page and "CCI Showcase showroom" in page
    assert "Secret draft" not in page
    taken = client.get(f"/spaces/?start={day(11).isoformat()}&end={day(12).isoformat()}").get_data(as_text=True)
    assert f"listing-{shop.id}" not in taken and f"listing-{showroom.id}" in taken
    assert "Free for the whole range" in taken
    wrong = client.get(f"/spaces/?start={day(12).isoformat()}&end={day(11).isoformat()}")
    assert wrong.status_code == 422
    assert "The last day cannot be before the first day." in wrong.get_data(as_text=True)


def test_the_calendar_shows_free_taken_and_closed_days(client, make_listing, make_user):
    shop = make_listing(booking_mode="instant", opening_hours="Tue-Sat 11:00-19:00",
                        blackouts=f"{day(20).isoformat()} Street festival", available_from=day(1))
    book(make_user(), shop, 10, 3)
    month = day(10).strftime("%Y-%m")
    page = client.get(f"/spaces/{shop.id}?month={month}").get_data(as_text=True)
    assert f'data-date="{day(10).isoformat()}" data-free="0"' in page
    assert f'data-date="{day(13).isoformat()}" data-free="1"' in page
    assert "Tuesday: 11:00–19:00" in page
    assert "Europe/Berlin" in page
    festival = client.get(f"/spaces/{shop.id}?month={day(20).strftime('%Y-%m')}").get_data(as_text=True)
    assert f'data-date="{day(20).isoformat()}" data-free="0"' in festival and "Street festival" in festival


def test_a_draft_is_hidden_from_the_public(client, make_listing):
    draft = make_listing(status="draft")
    assert client.get(f"/spaces/{draft.id}").status_code == 404


def test_a_creative_requests_a_shop_and_sees_it_waiting(browser, make_listing, creative):
    shop = make_listing()
    browser.login(creative.email)
    response = browser.submit(f"/spaces/{shop.id}/book",
                              _form(day(10), day(14), team="Jan Novák, Sokolov\nEva Huber, Upper Austria"))
    assert response.status_code == 302 and response.location.endswith("/spaces/my-bookings")
    page = browser.get(response.location).get_data(as_text=True)
    assert "Your request has been sent." in page
    # Human days in British English, both ends included ("11–15 Dec 2026"), never ISO dates.
    shown = format_interval(day(10), day(14), "yMMMd", locale="en_GB")
    assert "requested" in page and f"{shown} (5 days)" in page and day(10).isoformat() not in page
    booking = db.session.scalars(db.select(SpaceBooking)).one()
    assert [m.home_region for m in booking.team] == ["Sokolov", "Upper Austria"]
    assert booking.end_date == day(15)


def test_bad_booking_input_re_renders_the_form_with_the_message(browser, make_listing, creative):
    shop = make_listing(lead_days=3)
    browser.login(creative.email)
    cases = [
        (_form(day(10), day(9)), "The end date must be after the start date."),
        (_form(day(10), day(14), accept_terms=""), "Accept the terms of use to book this space."),
        (_form(day(1), day(5)), "The earliest possible start is"),
        (_form(day(10), day(10)), "Book at least 2 day(s)."),
        (_form(day(10), day(14), units="2"), "This listing has only 1 unit(s)."),
    ]
    for data, message in cases:
        data = {k: v for k, v in data.items() if v != ""}
        response = browser.submit(f"/spaces/{shop.id}/book", data)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True)
    assert count(SpaceBooking) == 0


def test_booking_needs_a_log_in(client, make_listing):
    shop = make_listing()
    response = client.get(f"/spaces/{shop.id}/book")
    assert response.status_code == 302 and "/login" in response.location


def test_the_organiser_approves_one_of_two_conflicting_requests(browser, space_org, make_listing, make_user):
    shop = make_listing()
    first, second = make_user(name="Anna Kovač"), make_user(name="Jonas Berger")
    a = book(first, shop, 10, 5)
    b = book(second, shop, 12, 5)
    browser.login(space_org.organiser.email)
    inbox = browser.get(f"/manage/{space_org.org.slug}/spaces/inbox").get_data(as_text=True)
    assert f"Overlaps request #{b.id} by Jonas Berger" in inbox
    assert f"Overlaps request #{a.id} by Anna Kovač" in inbox
    url = f"/manage/{space_org.org.slug}/spaces/requests/{a.id}/approve"
    response = browser.submit(url, {}, form_url=f"/manage/{space_org.org.slug}/spaces/inbox")
    assert response.status_code == 302
    page = browser.get(response.location).get_data(as_text=True)
    assert "Approved: Anna Kovač has KRACH shop Innere Klosterstraße" in page
    assert "No longer fits: full on" in page
    response = browser.submit(f"/manage/{space_org.org.slug}/spaces/requests/{b.id}/approve", {},
                              form_url=f"/manage/{space_org.org.slug}/spaces/inbox")
    assert "Not enough free units on:" in browser.get(response.location).get_data(as_text=True)
    assert db.session.get(SpaceBooking, b.id).status == "requested"


def test_a_declined_creative_sees_the_reason(browser, space_org, make_listing, creative):
    booking = book(creative, make_listing(), 10, 5)
    browser.login(space_org.organiser.email)
    url = f"/manage/{space_org.org.slug}/spaces/requests/{booking.id}/decline"
    empty = browser.submit(url, {"reason": ""})
    assert empty.status_code == 422
    response = browser.submit(url, {"reason": "The owner needs the shop that week."})
    assert response.status_code == 302
    browser.client.post("/logout", data={"csrf_token": csrf_from(browser.get("/").get_data(as_text=True))})
    browser.login(creative.email)
    page = browser.get("/spaces/my-bookings").get_data(as_text=True)
    assert "declined" in page and "The owner needs the shop that week." in page


def test_an_organiser_of_another_organisation_gets_403_and_changes_nothing(browser, make_space_org, space_org,
                                                                          make_listing, creative):
    shop = make_listing()
    booking = book(creative, shop, 10, 5)
    stranger = make_space_org()
    browser.login(stranger.organiser.email)
    slug = space_org.org.slug
    for url in (f"/manage/{slug}/spaces/", f"/manage/{slug}/spaces/inbox", f"/manage/{slug}/spaces/bookings.csv",
                f"/manage/{slug}/spaces/{shop.id}/edit"):
        assert browser.get(url).status_code == 403, url
    # Through their own organisation's URL, the booking still belongs to someone else.
    own = f"/manage/{stranger.org.slug}/spaces/requests/{booking.id}/approve"
    response = browser.submit(own, {}, form_url=f"/manage/{stranger.org.slug}/spaces/inbox")
    assert response.status_code == 403
    assert browser.get(f"/manage/{stranger.org.slug}/spaces/{shop.id}/edit").status_code == 404
    assert db.session.get(SpaceBooking, booking.id).status == "requested"


def test_the_organiser_creates_a_listing_with_errors_shown_next_to_fields(browser, space_org):
    browser.login(space_org.organiser.email)
    url = f"/manage/{space_org.org.slug}/spaces/new"
    data = {"title": "KRACH shop Brückenstraße", "venue_id": str(space_org.venue.id), "programme_id": "0",
            "kind": "shop", "units": "1", "min_days": "5", "max_days": "2",
            "available_from": day(0).isoformat(), "available_until": day(60).isoformat(), "lead_days": "2",
            "booking_mode": "request", "status": "published", "opening_hours": "Mon-Fri 10:00-18:00",
            "blackouts": "", "terms": "Keep the shop window lit.", "description": ""}
    response = browser.submit(url, data)
    assert response.status_code == 422
    assert "The maximum cannot be below the minimum." in response.get_data(as_text=True)
    assert count(SpaceListing) == 0
    response = browser.submit(url, dict(data, max_days="42", opening_hours="Someday"))
    assert response.status_code == 422 and "Mon-Fri 10:00-18:00" in response.get_data(as_text=True)
    response = browser.submit(url, dict(data, max_days="42"))
    assert response.status_code == 302
    page = browser.get(response.location).get_data(as_text=True)
    assert "The listing “KRACH shop Brückenstraße” has been saved." in page
    listing = db.session.scalars(db.select(SpaceListing)).one()
    assert (listing.min_days, listing.max_days, listing.lead_days, len(listing.opening_hours)) == (5, 42, 2, 5)


def test_bookings_list_csv_export_and_organiser_cancel(browser, space_org, make_listing, creative):
    booking = book(creative, make_listing(booking_mode="instant"), 10, 5, purpose="=HYPERLINK(evil)")
    browser.login(space_org.organiser.email)
    csv_response = browser.get(f"/manage/{space_org.org.slug}/spaces/bookings.csv")
    assert csv_response.mimetype == "text/csv"
    text = csv_response.data.decode("utf-8")
    assert text.startswith("\ufeff")  # the byte-order mark: Excel reads UTF-8 (the same format as every export)
    lines = text[1:].split("\r\n")
    assert lines[0].startswith('"No.";"Listing";"Venue";"First day";"Last day";"Days";"Units";"Status";"Creative"')
    assert f'"{day(10).isoformat()}";"{day(14).isoformat()}";"5";"1";"confirmed";"Anna Kovač"' in lines[1]
    assert "'=HYPERLINK(evil)" in lines[1]  # no formula runs in a spreadsheet
    bookings_url = f"/manage/{space_org.org.slug}/spaces/bookings"
    response = browser.submit(f"/spaces/bookings/{booking.id}/cancel?next={bookings_url}", {}, form_url=bookings_url)
    assert response.location.endswith(bookings_url)
    assert "has been cancelled" in browser.get(bookings_url).get_data(as_text=True)
    assert db.session.get(SpaceBooking, booking.id).cancelled_by == "organiser"


def test_a_creative_cancels_from_my_bookings(browser, make_listing, creative, make_user):
    booking = book(creative, make_listing(booking_mode="instant"), 10, 5)
    browser.login(creative.email)
    response = browser.submit(f"/spaces/bookings/{booking.id}/cancel", {}, form_url="/spaces/my-bookings")
    page = browser.get(response.location).get_data(as_text=True)
    assert "The booking of KRACH shop Innere Klosterstraße has been cancelled." in page
    assert "Cancel booking" not in page


def test_the_expire_command_is_safe_to_re_run(runner, make_listing, creative):
    shop = make_listing(available_from=day(-30))
    services.create_booking(creative, shop.id, start_date=day(-1), end_date=day(3), accept_terms=True, purpose="A pop-up",
                            now=datetime.now(timezone.utc) - timedelta(days=7))
    first = runner.invoke(args=["spaces", "expire"])
    assert first.exit_code == 0 and "1 request(s) expired." in first.output
    assert "0 request(s) expired." in runner.invoke(args=["spaces", "expire"]).output
    assert db.session.scalars(db.select(SpaceBooking.status)).one() == "expired"


def test_organiser_manage_page_links_to_the_spaces(browser, space_org, make_listing):
    make_listing()
    browser.login(space_org.organiser.email)
    page = browser.get(f"/manage/{space_org.org.slug}/").get_data(as_text=True)
    assert f'href="/manage/{space_org.org.slug}/spaces/"' in page
    spaces = browser.get(f"/manage/{space_org.org.slug}/spaces/").get_data(as_text=True)
    assert "KRACH shop Innere Klosterstraße" in spaces and "Requests inbox (0 open)" in spaces


def test_the_pages_and_refusals_speak_german(client, api, make_listing, make_user):
    shop = make_listing()
    page = client.get("/spaces/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Leere Läden, Ateliers" in page and "Jede Art" in page and "Ladengeschäft" in page
    token = api.token_for(make_user(locale="de").email)
    response = api.post(f"/api/v1/spaces/{shop.id}/bookings", {
        "start_date": day(10).isoformat(), "end_date": day(11).isoformat(), "purpose": "x", "accept_terms": True,
    }, token=token)
    assert response.get_json()["error"]["message"] == "Buchen Sie mindestens 2 Tag(e)."


def test_a_booking_is_not_found_under_another_organisations_slug(browser, make_space_org, space_org, make_listing,
                                                                 creative):
    from inducci_events.accounts import services as account_services

    booking = book(creative, make_listing(), 10, 5)
    other = make_space_org()
    account_services.grant_role(space_org.organiser.email, other.org.slug, "organiser", actor=COMMAND_LINE)
    browser.login(space_org.organiser.email)
    wrong, right = other.org.slug, space_org.org.slug
    inbox = f"/manage/{wrong}/spaces/inbox"
    assert browser.get(f"/manage/{wrong}/spaces/requests/{booking.id}/decline").status_code == 404
    assert browser.submit(f"/manage/{wrong}/spaces/requests/{booking.id}/decline", {"reason": "No"},
                          form_url=inbox).status_code == 404
    assert browser.submit(f"/manage/{wrong}/spaces/requests/{booking.id}/approve", {},
                          form_url=inbox).status_code == 404
    assert db.session.get(SpaceBooking, booking.id).status == "requested"
    # Under the booking's own organisation, the same organiser reaches it.
    page = browser.get(f"/manage/{right}/spaces/requests/{booking.id}/decline")
    assert page.status_code == 200 and "Anna Kovač asks for" in page.get_data(as_text=True)
    response = browser.submit(f"/manage/{right}/spaces/requests/{booking.id}/approve", {},
                              form_url=f"/manage/{right}/spaces/inbox")
    assert response.status_code == 302 and response.location.endswith(f"/manage/{right}/spaces/inbox")
    db.session.expire_all()
    assert db.session.get(SpaceBooking, booking.id).status == "confirmed"


def test_cancel_redirects_only_to_a_path_on_this_site(browser, make_listing, creative):
    shop = make_listing(booking_mode="instant", units=10)
    browser.login(creative.email)
    for start, target in ((10, "https://evil.example/"), (11, "//evil.example/"), (12, "/\t/evil.example/"),
                          (13, "http:/spaces/"), (14, "javascript:alert(1)")):
        booking = book(creative, shop, start, 2)
        response = browser.submit(f"/spaces/bookings/{booking.id}/cancel?next={quote(target)}", {},
                                  form_url="/spaces/my-bookings")
        assert response.status_code == 302
        assert response.location in ("/spaces/my-bookings", "http://localhost/spaces/my-bookings"), target
        assert "evil" not in response.location
