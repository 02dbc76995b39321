"""Pages for creatives (search, calendar, book, my bookings) and organisers (listings,
inbox, approve/decline, bookings with CSV export), plus ``flask spaces expire``."""
from datetime import timedelta

import click
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import DomainError
from ..core.http import flash_error, safe_next, show_error_on_form
from ..core.spreadsheet import csv_download
from ..core.timeutil import parse_date, parse_month
from ..organisations import queries as org_queries
from . import queries, services
from .forms import (
    BOOKING_STATUS_LABELS,
    KIND_LABELS,
    LISTING_STATUS_LABELS,
    MODE_LABELS,
    BookingForm,
    DeclineForm,
    ListingForm,
    SearchForm,
    choices,
    parse_team,
)

bp = Blueprint("spaces", __name__, cli_group="spaces")


@bp.app_context_processor
def _labels():
    return {"space_kind_labels": KIND_LABELS, "space_mode_labels": MODE_LABELS,
            "space_status_labels": BOOKING_STATUS_LABELS, "listing_status_labels": LISTING_STATUS_LABELS,
            "weekday_names": services.WEEKDAY_NAMES}


# --- creatives ----------------------------------------------------------------------

@bp.route("/spaces/")
def index():
    form = SearchForm(request.args)
    form.region.choices = choices([("", _("Any region"))] + [(r, r) for r in queries.regions()])
    results, searched = [], False
    if form.validate():
        start, last = form.start.data, form.end.data
        if start and last and last < start:
            form.end.errors.append(_("The last day cannot be before the first day."))
        else:
            searched = bool(start and last)
            results = queries.search(region=form.region.data or None, kind=form.kind.data or None,
                                     start=start if searched else None,
                                     end=last + timedelta(days=1) if searched else None, units=form.units.data or 1)
    return render_template("spaces/index.html", form=form, results=results, searched=searched), \
        422 if form.errors else 200


@bp.route("/spaces/<int:listing_id>")
def detail(listing_id):
    listing = queries.visible_listing(listing_id, current_user)
    today = queries.local_today(listing)
    first = parse_month(request.args.get("month"), "month", default=today.replace(day=1))
    month = queries.month_calendar(listing, first.year, first.month)
    can_manage = current_user.is_authenticated and current_user.is_organiser_of(listing.organisation_id)
    return render_template("spaces/detail.html", listing=listing, month=month, month_start=first,
                           can_book=listing.is_bookable, can_manage=can_manage,
                           earliest=today + timedelta(days=listing.lead_days))


@bp.route("/spaces/<int:listing_id>/book", methods=["GET", "POST"])
@login_required
def book(listing_id):
    listing = queries.visible_listing(listing_id, current_user)
    form = BookingForm()
    if request.method == "GET" and "start" in request.args:
        form.start_date.data = parse_date(request.args["start"], "start")
    if form.validate_on_submit():
        try:
            booking = services.create_booking(
                current_user, listing.id, start_date=form.start_date.data,
                end_date=form.last_day.data + timedelta(days=1), units=form.units.data, purpose=form.purpose.data,
                team=parse_team(form.team.data), accept_terms=form.accept_terms.data)
        except DomainError as error:
            if error.fields and "end_date" in error.fields:  # the page asks for the last day instead
                error.fields["last_day"] = error.fields.pop("end_date")
            show_error_on_form(form, error)
        else:
            if booking.status == "confirmed":
                flash(_("Booked: the space is yours on those days."), "success")
            else:
                flash(_("Your request has been sent. The organiser will approve or decline it."), "success")
            return redirect(url_for("spaces.my_bookings"))
    return render_template("spaces/book.html", listing=listing, form=form), 422 if form.errors else 200


@bp.route("/spaces/my-bookings")
@login_required
def my_bookings():
    rows = [(b, b.effective_status(queries.local_today(b.listing)), queries.can_cancel(b, current_user))
            for b in queries.user_bookings(current_user)]
    return render_template("spaces/my_bookings.html", rows=rows)


@bp.post("/spaces/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id):
    try:
        booking = services.cancel_booking(current_user, booking_id)
    except DomainError as error:
        if error.status == 404:
            raise
        flash_error(error)
    else:
        flash(_("The booking of %(title)s has been cancelled.", title=booking.listing.title), "success")
    return redirect(safe_next(url_for("spaces.my_bookings")))


# --- organisers ---------------------------------------------------------------------

def _managed(slug):
    return org_queries.managed_by(slug, current_user)


@bp.route("/manage/<slug>/spaces/")
@login_required
def manage(slug):
    org = _managed(slug)
    return render_template("spaces/manage.html", org=org, listings=queries.organiser_listings(org),
                           open_requests=queries.open_request_count(org))


@bp.route("/manage/<slug>/spaces/new", methods=["GET", "POST"])
@bp.route("/manage/<slug>/spaces/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def edit_listing(slug, listing_id=None):
    org = _managed(slug)
    listing = queries.listing_of(org, listing_id) if listing_id else None
    form = ListingForm(obj=listing if request.method == "GET" else None)
    venues, programmes = queries.venues_and_programmes(org)
    form.venue_id.choices = choices((v.id, v.name) for v in venues)
    form.programme_id.choices = choices([(0, _("No programme"))] + [(p.id, p.title) for p in programmes])
    if request.method == "GET":
        if listing is not None:
            form.opening_hours.data = services.format_opening_hours(listing)
            form.blackouts.data = services.format_blackouts(listing)
            form.programme_id.data = listing.programme_id or 0
    if form.validate_on_submit():
        try:
            services.save_listing(current_user, org.id, listing_id=listing_id, **{
                name: getattr(form, name).data for name in (
                    "venue_id", "programme_id", "title", "description", "kind", "units", "min_days", "max_days",
                    "available_from", "available_until", "lead_days", "booking_mode", "terms", "opening_hours",
                    "blackouts", "status")})
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The listing “%(title)s” has been saved.", title=form.title.data), "success")
            return redirect(url_for("spaces.manage", slug=slug))
    return render_template("spaces/listing_form.html", org=org, form=form, listing=listing,
                           has_venues=bool(venues)), 422 if form.errors else 200


@bp.route("/manage/<slug>/spaces/inbox")
@login_required
def inbox(slug):
    org = _managed(slug)
    return render_template("spaces/inbox.html", org=org, items=queries.inbox(org))


@bp.post("/manage/<slug>/spaces/requests/<int:booking_id>/approve")
@login_required
def approve(slug, booking_id):
    org = _managed(slug)
    booking = services.booking_for_organiser(current_user, booking_id, organisation_id=org.id)
    # Read what the message names now: after the commit nothing is read again.
    name, title = booking.user.name, booking.listing.title
    try:
        booking = services.approve_booking(current_user, booking_id, organisation_id=org.id)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash_error(error)
    else:
        flash(_("Approved: %(name)s has %(title)s from %(first)s to %(last)s.", name=name, title=title,
                first=booking.start_date.isoformat(), last=booking.last_day.isoformat()), "success")
    return redirect(url_for("spaces.inbox", slug=slug))


@bp.route("/manage/<slug>/spaces/requests/<int:booking_id>/decline", methods=["GET", "POST"])
@login_required
def decline(slug, booking_id):
    org = _managed(slug)
    booking = services.booking_for_organiser(current_user, booking_id, organisation_id=org.id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline_booking(current_user, booking_id, form.reason.data, organisation_id=org.id)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            show_error_on_form(form, error)
        else:
            flash(_("The request has been declined."), "success")
            return redirect(url_for("spaces.inbox", slug=slug))
    return render_template("spaces/decline.html", org=org, booking=booking, form=form), 422 if form.errors else 200


@bp.route("/manage/<slug>/spaces/bookings")
@login_required
def bookings(slug):
    org = _managed(slug)
    rows = [(b, b.effective_status(queries.local_today(b.listing)), queries.can_cancel(b, current_user))
            for b in queries.organisation_bookings(org)]
    return render_template("spaces/bookings.html", org=org, rows=rows)


@bp.route("/manage/<slug>/spaces/bookings.csv")
@login_required
def bookings_csv(slug):
    org = _managed(slug)
    return csv_download(queries.bookings_csv(org), f"{org.slug}-space-bookings.csv")


# --- CLI ----------------------------------------------------------------------------

@bp.cli.command("expire")
def expire_command():
    """Mark unanswered requests whose start day has come as expired (safe to re-run)."""
    n = services.expire_requests()
    click.echo(f"{n} request(s) expired.")
