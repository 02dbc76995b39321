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
from ..core.auth import COMMAND_LINE
from ..core.db import unit_of_work, utcnow
from ..extensions import db
from ..helpdesk import queries, services
from ..helpdesk.models import HelpDesk
from ..organisations.models import Organisation, Venue
from .foundation import CREATIVES, DEMO_PASSWORD_ORGANISER, organiser_email
NETWORK = "Veneto CCI help-desks"

#: Organisations of the Veneto network that are not InduCCI partners (fictional demo names):
#: (slug, name, short name, venue (name, street, postcode) or None, adviser e-mail, adviser name)
NETWORK_MEMBERS = [
    ("incubatore-creativo-padova", "Incubatore Creativo Padova (demo incubator)", "Incubatore Creativo",
     ("Incubatore Creativo", "Via del Santo 12", "35123"), "adviser.incubatore@inducci.example.org", "Marta Ferrari"),
    ("associazione-imprese-creative", "Associazione Imprese Creative Veneto (demo business association)",
     "Imprese Creative Veneto", None, "adviser.associazione@inducci.example.org", "Luca Bianchi"),
]

#: (org slug, desk name, venue name or None, online, topics, languages, network, description)
DESKS = [
    ("padova", "CCI help-desk Padova", "Padova Chamber of Commerce", False,
     ["business plan", "funding and crowdfunding", "legal", "pre-incubation"], ["Italian", "English"], NETWORK,
     "The network's main desk at the Chamber of Commerce: first orientation, business plan and funding."),
    ("incubatore-creativo-padova", "Start-up acceleration desk", "Incubatore Creativo", True,
     ["acceleration", "matching with industry", "pre-incubation"], ["Italian", "English"], NETWORK,
     "Run with a regional incubator: acceleration and matching CCI start-ups with industrial companies."),
    ("associazione-imprese-creative", "Crowdfunding clinic", None, True,
     ["funding and crowdfunding", "business plan"], ["Italian"], NETWORK,
     "Online clinic run with a business association: preparing and running a crowdfunding campaign."),
    ("kranj", "CCI help-desk Kovačnica Kranj", "Kovačnica Kranj", False,
     ["business plan", "funding and crowdfunding", "legal"], ["Slovenian", "English"], "",
     "The small-town desk in Kovačnica Kranj, with office hours in Škofja Loka on request."),
]

#: (adviser e-mail, desk names, bio, topics, {desk name: [(weekdays, start, end, slot, buffer, seats, mode)]}).
#: The partners' advisers are their demo organisers (organisers may advise, as in core.auth).
ADVISERS = [
    (organiser_email("padova"), ["CCI help-desk Padova", "Start-up acceleration desk"],
     "Business adviser at the Chamber of Commerce; ten years of start-up support.",
     ["business plan", "funding and crowdfunding", "acceleration"],
     {"CCI help-desk Padova": [([1, 3], time(14), time(17), 45, 15, 1, "onsite")]}),
    ("adviser.incubatore@inducci.example.org", ["Start-up acceleration desk"],
     "Start-up coach at the incubator: acceleration and matching with industrial companies.",
     ["acceleration", "matching with industry"],
     {"Start-up acceleration desk": [([0, 2], time(9), time(12), 60, 0, 1, "online")]}),
    ("adviser.associazione@inducci.example.org", ["Crowdfunding clinic"],
     "Crowdfunding mentor of the business association.", ["funding and crowdfunding"],
     {"Crowdfunding clinic": [([4], time(10), time(12), 60, 0, 6, "online")]}),
    (organiser_email("kranj"), ["CCI help-desk Kovačnica Kranj"],
     "Adviser at BSC Kranj for creative entrepreneurs of Gorenjska.", ["business plan", "legal"],
     {"CCI help-desk Kovačnica Kranj": [([2], time(9), time(13), 60, 0, 1, "onsite")]}),
]


def _network_members():
    """The network's other organisations, coordinated by the Padova organiser, each with an adviser."""
    existing = set(db.session.scalars(sa.select(Organisation.slug)))
    with unit_of_work() as session:
        for slug, name, short, venue, _email, _adviser in NETWORK_MEMBERS:
            if slug in existing:
                continue
            org = Organisation(slug=slug, name=name, short_name=short, region="Veneto", country="IT",
                               timezone="Europe/Rome", default_locale="en", is_partner=False,
                               description="Part of the Veneto CCI help-desk network coordinated by the Padova "
                                           "Chamber of Commerce.")
            session.add(org)
            session.flush()
            if venue:
                session.add(Venue(organisation_id=org.id, name=venue[0], street=venue[1], postcode=venue[2],
                                  city="Padova", country="IT", timezone="Europe/Rome"))
    for slug, _name, _short, _venue, email, adviser_name in NETWORK_MEMBERS:
        if accounts.find_user_by_email(email) is None:
            accounts.register_user(email, DEMO_PASSWORD_ORGANISER, adviser_name, "en")
        accounts.grant_role(email, slug, "adviser", actor=COMMAND_LINE)
        accounts.grant_role(organiser_email("padova"), slug, "organiser", actor=COMMAND_LINE)  # the network's coordinator


def seed():
    """Load the demo desks; returns ``(adviser log-ins, number of desks added, appointments booked)``."""
    _network_members()
    orgs = {o.slug: o for o in db.session.scalars(sa.select(Organisation))}
    venues = {(v.organisation_id, v.name): v for v in db.session.scalars(sa.select(Venue))}
    existing = {(d.organisation_id, d.name): d for d in db.session.scalars(sa.select(HelpDesk)).unique()}
    coordinator = {"kranj": organiser_email("kranj")}
    organisers = {slug: accounts.find_user_by_email(coordinator.get(slug, organiser_email("padova")))
                  for slug, *_rest in DESKS}
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
    slugs = {name: slug for slug, name, *_rest in DESKS}
    for email, desk_names, bio, topics, hours in ADVISERS:
        logins.append((email, DEMO_PASSWORD_ORGANISER, "adviser at " + ", ".join(desk_names)))
        for desk_name in desk_names:
            desk = desks_by_name[desk_name]
            organiser = organisers[slugs[desk_name]]
            adviser = services.add_adviser(organiser, desk.id, email=email, bio=bio, topics=topics)
            if desk_name not in created:
                continue
            for weekdays, start, end, slot, buffer, seats, mode in hours.get(desk_name, []):
                services.add_rule(organiser, desk.id, adviser_id=adviser.id, weekdays=weekdays,
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
