"""Demo pop-up spaces: three KRACH+ shops in Chemnitz, the CCI Showcase showroom with 15
shelves and The Box in Heusden-Zolder, each with bookings and open requests.

Idempotent: a listing is found by organisation and title; an existing listing (and its
bookings) is left alone. Dates are relative to the day the seed runs.
"""
from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..core.db import unit_of_work, utcnow
from ..extensions import db
from ..organisations.models import Organisation, Programme, Venue
from ..spaces import services
from ..spaces.models import SpaceListing
from .foundation import CREATIVES, organiser_email

KRACH_TERMS = ("The shop is lent free of charge for a temporary use. Keep the shop window lit in the evening, "
               "leave the premises as you found them and tell the KRACH team about any damage. The property "
               "owner may visit during opening hours.")

#: (org, programme slug, venue name, street, title, kind, units, min, max, window start, window days, lead,
#:  mode, opening hours, description)
LISTINGS = [
    ("chemnitz", "krach-plus", "KRACH shop, Innere Klosterstraße", "Innere Klosterstraße 6",
     "KRACH+ laboratory shop, Innere Klosterstraße", "shop", 1, 2, 42, 0, 150, 3, "request", "Tue-Sat 11:00-19:00",
     "A vacant shop in Chemnitz city centre used as a laboratory for ideas: try a product, a service or a "
     "concept with real customers for a few days to a few weeks."),
    ("chemnitz", "krach-plus", "KRACH shop, Brückenstraße", "Brückenstraße 17",
     "KRACH+ corner shop, Brückenstraße", "shop", 1, 2, 42, 0, 150, 3, "request", "Wed-Sat 12:00-18:00",
     "A corner shop with two shop windows near the Karl Marx monument, suited for cooperative residencies "
     "of creatives from the InduCCI partner regions."),
    ("chemnitz", "krach-plus", "KRACH shop, Reitbahnstraße", "Reitbahnstraße 32",
     "KRACH+ studio shop, Reitbahnstraße", "studio", 1, 2, 42, 0, 150, 3, "request", "Mon-Fri 10:00-18:00",
     "A former tailor's shop with a back room, fitted as a small studio for makers."),
    ("saxony", "cci-showcase", "CCI Showcase showroom", "Straße der Nationen 12",
     "CCI Showcase: shelves in the public showroom", "showroom_shelf", 15, 7, 42, 7, 42, 2, "instant",
     "Wed-Fri 12:00-19:00\nSat 10:00-16:00",
     "A temporary public showroom for regional CCI products, open at fixed hours for six weeks. At least 15 "
     "CCI businesses display their products; each rents a shelf or a box."),
    ("limburg", "pull-factors", "The Box, Heusden-Zolder", "Koolmijnlaan 201",
     "The Box: plug-and-play space in Heusden-Zolder", "box", 1, 3, 30, 0, 180, 5, "request",
     "Thu-Sun 10:00-18:00",
     "A plug-and-play space on the former coal-mine site: metropolitan creatives test Limburg as a place "
     "to work, for a few days to a month."),
]

PURPOSES = [
    "Pop-up repair café for old radios and record players",
    "Testing a small-batch ceramics line with local customers",
    "Cooperative residency: a design sprint with creatives from Linz and Kranj",
    "Showing upcycled furniture from Erzgebirge workshops",
]


def _venue(session, org, name, street):
    venue = session.scalar(sa.select(Venue).where(Venue.organisation_id == org.id, Venue.name == name))
    if venue is None:
        venue = Venue(organisation_id=org.id, name=name, street=street, postcode="", city="", country=org.country,
                      timezone=org.timezone)
        template = session.scalar(sa.select(Venue).where(Venue.organisation_id == org.id))
        if template is not None:
            venue.postcode, venue.city = template.postcode, template.city
        session.add(venue)
        session.flush()
    return venue.id


def seed():
    """Add the demo listings that are missing, with bookings; returns a line per listing added."""
    added = []
    creatives = [db.session.scalar(sa.select(User).where(User.email == email)) for email, _n, _l in CREATIVES]
    today = utcnow().date()
    for (org_slug, prog_slug, venue_name, street, title, kind, units, min_days, max_days, window_start,
         window_days, lead, mode, hours, description) in LISTINGS:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == org_slug))
        if org is None or db.session.scalar(sa.select(SpaceListing.id).where(
                SpaceListing.organisation_id == org.id, SpaceListing.title == title)):
            continue
        with unit_of_work() as session:
            venue_id = _venue(session, org, venue_name, street)
        programme_id = db.session.scalar(sa.select(Programme.id).where(
            Programme.organisation_id == org.id, Programme.slug == prog_slug))
        organiser = db.session.scalar(sa.select(User).where(User.email == organiser_email(org_slug)))
        first = today + timedelta(days=window_start)
        listing = services.save_listing(
            organiser, org.id, venue_id=venue_id, programme_id=programme_id, title=title, kind=kind, units=units,
            min_days=min_days, max_days=max_days, available_from=first,
            available_until=first + timedelta(days=window_days - 1), lead_days=lead, booking_mode=mode,
            terms=KRACH_TERMS if org_slug == "chemnitz" else "Use the space with care; no overnight stays.",
            opening_hours=hours, status="published", description=description,
            blackouts=f"{(first + timedelta(days=60)).isoformat()} Owner's inspection" if org_slug == "chemnitz"
            else "")
        _bookings(listing, organiser, creatives, today)
        added.append(f"{title} ({units} unit(s), {mode})")
    return added


def _bookings(listing, organiser, creatives, today):
    start = max(listing.available_from, today + timedelta(days=listing.lead_days + 1))
    length = max(listing.min_days, 5)
    if listing.units > 1:  # the showroom: exhibitors take shelves for the whole run or part of it
        for i, creative in enumerate(creatives):
            services.create_booking(creative, listing.id, start_date=start + timedelta(days=i * 3),
                                    end_date=start + timedelta(days=i * 3 + 21), units=1 + i % 2,
                                    purpose=PURPOSES[i % len(PURPOSES)], accept_terms=True)
        return
    first = services.create_booking(creatives[0], listing.id, start_date=start, end_date=start + timedelta(days=length),
                                    purpose=PURPOSES[0], accept_terms=True)
    if first.status == "requested":
        services.approve_booking(organiser, first.id)
    later = start + timedelta(days=length + 7)
    services.create_booking(creatives[1], listing.id, start_date=later, end_date=later + timedelta(days=length),
                            purpose=PURPOSES[2], accept_terms=True,
                            team=[("Giulia Rossi", "Veneto"), ("Tomáš Novák", "Sokolov-East")])
    if listing.booking_mode == "request":  # an overlapping request the organiser must choose between
        services.create_booking(creatives[2], listing.id, start_date=later + timedelta(days=2),
                                end_date=later + timedelta(days=length + 2), purpose=PURPOSES[1], accept_terms=True)
