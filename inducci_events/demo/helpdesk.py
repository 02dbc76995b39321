"""Demo help desks: the Veneto CCI help-desk network around Padova and the Kranj desk.

Wording from the pilot-actions summary (``shared/seeds``): Padova Chamber of Commerce
builds a network of CCI help desks with advisers and mentors for pre-incubation,
acceleration and crowdfunding; BSC Kranj runs a small-town desk in Kovačnica Kranj with a
satellite in Škofja Loka. Idempotent: desks are found by organisation and name, and
appointments are only booked when a desk is first created.
"""
from datetime import date, time, timedelta

import sqlalchemy as sa

from ..accounts import services as accounts
from ..core.db import utcnow
from ..extensions import db
from ..helpdesk import queries, services
from ..helpdesk.models import HelpDesk
from ..organisations.models import Organisation, Venue
from .foundation import CREATIVES, DEMO_PASSWORD_ORGANISER, organiser_email
NETWORK = "Veneto CCI help-desks"

#: (org slug, desk name, venue name or None, online, topics, languages, network, description)
DESKS = [
    ("padova", "CCI help-desk Padova", "Padova Chamber of Commerce", False,
     ["business plan", "funding and crowdfunding", "legal", "pre-incubation"], ["Italian", "English"], NETWORK,
     "The network's main desk at the Chamber of Commerce: first orientation, business plan and funding."),
    ("padova", "Start-up acceleration desk (incubator partner)", "Padova Chamber of Commerce", True,
     ["acceleration", "matching with industry", "pre-incubation"], ["Italian", "English"], NETWORK,
     "Run with a regional incubator: acceleration and matching CCI start-ups with industrial companies."),
    ("padova", "Crowdfunding clinic (business association partner)", None, True,
     ["funding and crowdfunding", "business plan"], ["Italian"], NETWORK,
     "Online clinic run with a business association: preparing and running a crowdfunding campaign."),
    ("kranj", "CCI help-desk Kovačnica Kranj", "Kovačnica Kranj", False,
     ["business plan", "funding and crowdfunding", "legal"], ["Slovenian", "English"], "",
     "The small-town desk in Kovačnica Kranj, with office hours in Škofja Loka on request."),
]

#: (org slug, desk names, bio, topics, {desk name: [(weekdays, start, end, slot, buffer, seats, mode)]}).
#: The advisers are the partners' demo organisers (organisers may advise, as in core.auth),
#: so the demo adds no memberships beyond the foundation's.
ADVISERS = [
    ("padova", ["CCI help-desk Padova", "Start-up acceleration desk (incubator partner)",
                "Crowdfunding clinic (business association partner)"],
     "Business adviser at the Chamber of Commerce; ten years of start-up support.",
     ["business plan", "funding and crowdfunding", "acceleration"],
     {"CCI help-desk Padova": [([1, 3], time(14), time(17), 45, 15, 1, "onsite")],
      "Start-up acceleration desk (incubator partner)": [([0, 2], time(9), time(12), 60, 0, 1, "online")],
      "Crowdfunding clinic (business association partner)": [([4], time(10), time(12), 60, 0, 6, "online")]}),
    ("kranj", ["CCI help-desk Kovačnica Kranj"],
     "Adviser at BSC Kranj for creative entrepreneurs of Gorenjska.", ["business plan", "legal"],
     {"CCI help-desk Kovačnica Kranj": [([2], time(9), time(13), 60, 0, 1, "onsite")]}),
]


def seed():
    """Load the demo desks; returns ``(adviser log-ins, number of desks added, appointments booked)``."""
    orgs = {o.slug: o for o in db.session.scalars(sa.select(Organisation))}
    venues = {(v.organisation_id, v.name): v for v in db.session.scalars(sa.select(Venue))}
    existing = {(d.organisation_id, d.name): d for d in db.session.scalars(sa.select(HelpDesk)).unique()}
    organisers = {slug: accounts.find_user_by_email(organiser_email(slug)) for slug in ("padova", "kranj")}
    created = {}
    for slug, name, venue_name, online, topics, languages, network, description in DESKS:
        org = orgs[slug]
        desk = existing.get((org.id, name))
        if desk is None:
            venue = venues.get((org.id, venue_name)) if venue_name else None
            desk = services.create_desk(organisers[slug], org.id, name=name, venue_id=venue.id if venue else None,
                                        online=online, topics=topics, languages=languages, network=network,
                                        description=description,
                                        meeting_link="https://meet.example.org/inducci-helpdesk" if online else "")
            created[name] = desk
        existing[(org.id, name)] = desk
    logins = []
    desks_by_name = {name: desk for (_org, name), desk in existing.items()}
    for slug, desk_names, bio, topics, hours in ADVISERS:
        email = organiser_email(slug)
        logins.append((email, DEMO_PASSWORD_ORGANISER, f"adviser at the help desks, {orgs[slug].short_name}"))
        for desk_name in desk_names:
            desk = desks_by_name[desk_name]
            adviser = services.add_adviser(organisers[slug], desk.id, email=email, bio=bio, topics=topics)
            if desk_name not in created:
                continue
            for weekdays, start, end, slot, buffer, seats, mode in hours.get(desk_name, []):
                services.add_rule(organisers[slug], desk.id, adviser_id=adviser.id, weekdays=weekdays,
                                  start_time=start, end_time=end, slot_minutes=slot, buffer_minutes=buffer,
                                  seats=seats, mode=mode, valid_from=date.today() - timedelta(days=30))
    booked = _book_some(created)
    return logins, len(created), booked


def _book_some(created):
    """Book the first free slots of new desks for the demo creatives."""
    booked = 0
    creatives = [accounts.find_user_by_email(email) for email, _name, _locale in CREATIVES]
    start = utcnow() + timedelta(days=2)
    for i, desk in enumerate(created.values()):
        slots = queries.free_slots([desk.id], start, start + timedelta(days=14))
        for slot, person in zip(slots[::3], creatives[i % 2::2]):
            topic = desk.topics[(booked + i) % len(desk.topics)]
            services.book(person, desk.id, slot.adviser_id, slot.starts_at, topic=topic,
                          message="Demo booking: I would like feedback on my project.")
            booked += 1
    return booked
