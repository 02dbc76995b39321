"""Space bookings as calendar items: the creative's own booking, a busy block in the
listing's public feed (dates and units, no names) and the organiser's view. All-day items
with an exclusive end. Pure functions over loaded rows."""
from flask_babel import gettext as _

from ..core.ical import FeedItem, absolute, lines, make_uid, place, shared


def _listing(listing):
    """What every booking of ``listing`` repeats (made once per listing while a feed is built):
    the public link, the organiser, CATEGORIES and the end of DESCRIPTION."""
    public = absolute("spaces.detail", listing_id=listing.id)
    organiser = listing.organisation.name
    categories = tuple(c for c in (listing.programme.title if listing.programme else "", _("Pop-up space")) if c)
    return public, organiser, categories, lines(_("Organiser: %(name)s", name=organiser), public)


def _shared(listing):
    return shared(("spaces.listing", listing.id), lambda: _listing(listing))


def _common(booking):
    listing = booking.listing
    public, organiser, categories, _about_text = _shared(listing)
    return dict(start=booking.start_date, end=booking.end_date, sequence=booking.sequence,
                last_modified=booking.updated_at, location=place(listing.venue), url=public, organiser=organiser,
                categories=categories)


def _about(booking, *parts):
    return lines(*parts, _shared(booking.listing)[3])


def booking_item(booking):
    """A creative's own space booking in their personal feed."""
    return FeedItem(
        uid=make_uid("space-booking", booking.id),
        summary=_("Pop-up: %(title)s", title=booking.listing.title),
        status={"confirmed": "CONFIRMED", "requested": "TENTATIVE"}.get(booking.status, "CANCELLED"),
        description=_about(booking, booking.purpose), **_common(booking),
    )


def occupancy_item(booking):
    """A busy block in a listing's public feed: dates and units only, no names."""
    return FeedItem(
        uid=make_uid("space-occupancy", booking.id),
        summary=_("Booked: %(units)d of %(total)d", units=booking.units, total=booking.listing.units),
        status="CONFIRMED" if booking.status == "confirmed" else "CANCELLED",
        description=_about(booking), **_common(booking),
    )


def organiser_booking_item(booking):
    """A confirmed booking in the organiser's feed, with the creative's name and purpose."""
    listing = booking.listing
    team = ", ".join(f"{m.name} ({m.home_region})" if m.home_region else m.name for m in booking.team)
    common = _common(booking)
    common["url"] = absolute("spaces.bookings", slug=listing.organisation.slug)
    return FeedItem(
        uid=make_uid("organiser-space-booking", booking.id),
        summary=f"{listing.title}: {booking.user.name}",
        status="CONFIRMED" if booking.status == "confirmed" else "CANCELLED",
        description=lines(booking.purpose, _("Team: %(team)s", team=team) if team else "",
                          _("Units: %(units)d", units=booking.units)),
        **common,
    )
