"""Demo events for every pilot that runs workshops or events (idempotent, found by title).

Dates are set in the coming months, relative to the day of the first seed, as wall-clock
times in each venue's zone (converted to UTC through :mod:`~inducci_events.core.timeutil`).
Wording follows the pilot-actions summary report (``shared/seeds``).
"""
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..core.db import unit_of_work
from ..core.timeutil import local_to_utc
from ..extensions import db
from ..organisations.models import Organisation, Programme, Venue
from ..workshops import services
from ..workshops.models import Event
from .foundation import CREATIVES, organiser_email

#: Extra venues the events need: (organisation slug, name, street, postcode, city, country, timezone).
EXTRA_VENUES = [
    ("linz", "Business journey: Spinnerei Chemnitz", "Altchemnitzer Straße 27", "09120", "Chemnitz", "DE",
     "Europe/Berlin"),
    ("bielsko-biala", "Bielsko-Biała Technology Park", "Legionów 2", "43-300", "Bielsko-Biała", "PL",
     "Europe/Warsaw"),
    ("padova", "Company A: mechanical workshop, Padova industrial zone", "Corso Stati Uniti 14", "35127", "Padova",
     "IT", "Europe/Rome"),
    ("padova", "Company B: textile plant, Vigonza", "Via Regia 7", "35010", "Vigonza", "IT", "Europe/Rome"),
    ("padova", "Company C: food processing, Cittadella", "Via Postumia 90", "35013", "Cittadella", "IT",
     "Europe/Rome"),
]

ELIGIBILITY = "Was your company founded in the last 5 years, or are you opening a new business line?"


def _monday(weeks_ahead):
    today = date.today()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7) + timedelta(weeks=weeks_ahead)


def _at(day, hh, mm, venue, hours):
    start = local_to_utc(datetime.combine(day, time(hh, mm)), venue.timezone)
    return start, start + timedelta(hours=hours)


def _session(title, venue, day, hh=9, mm=0, hours=8, module="", notes=""):
    starts_at, ends_at = _at(day, hh, mm, venue, hours)
    return dict(title=title, venue_id=venue.id, starts_at=starts_at, ends_at=ends_at, module_label=module,
                notes=notes)


def _ensure_venues():
    with unit_of_work() as session:
        orgs = {o.slug: o for o in session.scalars(sa.select(Organisation))}
        have = {(v.organisation_id, v.name) for v in session.scalars(sa.select(Venue))}
        for slug, name, street, postcode, city, country, tz in EXTRA_VENUES:
            if (orgs[slug].id, name) not in have:
                session.add(Venue(organisation_id=orgs[slug].id, name=name, street=street, postcode=postcode,
                                  city=city, country=country, timezone=tz))


def _venue(slug, name):
    return db.session.scalar(sa.select(Venue).join(Organisation).where(Organisation.slug == slug, Venue.name == name))


def _programme(slug, programme_slug):
    return db.session.scalar(sa.select(Programme).join(Organisation).where(
        Organisation.slug == slug, Programme.slug == programme_slug))


def _bootcamp():
    tabak, garage = _venue("linz", "Tabakfabrik Linz"), _venue("linz", "Grand Garage")
    journey = _venue("linz", "Business journey: Spinnerei Chemnitz")
    homework = "Homework until the next module: test one growth experiment with real customers."
    m1, m2, m3, m4, m5 = (_monday(3), _monday(9), _monday(15), _monday(21), _monday(27))
    sessions = [
        _session("Prototyping: day 1", tabak, m1 + timedelta(days=3), module="Module 1", notes=homework),
        _session("Prototyping: day 2", tabak, m1 + timedelta(days=4), module="Module 1"),
        _session("Growth experiments", garage, m2 + timedelta(days=4), module="Module 2", notes=homework),
        _session("Business journey to companies in Chemnitz: day 1", journey, m3 + timedelta(days=3), 10,
                 module="Module 3", notes="Bus leaves Tabakfabrik at 06:00; the times are Chemnitz time."),
        _session("Business journey to companies in Chemnitz: day 2", journey, m3 + timedelta(days=4),
                 module="Module 3"),
        _session("Sales and scaling", tabak, m4 + timedelta(days=4), module="Module 4", notes=homework),
        _session("From prototyping to market leader: pitch day", garage, m5 + timedelta(days=3),
                 module="Module 5"),
        _session("Pitch day: feedback and next steps", garage, m5 + timedelta(days=4), hours=4, module="Module 5"),
    ]
    return dict(
        org="linz", programme="growth-hacking-boot-camp", title="Growth-hacking boot camp – group 1",
        description="Five modules of one to two days, four to eight weeks apart, “from prototyping to market "
                    "leader”. Participants attend all five modules and do homework in between. For founders "
                    "whose company is younger than five years or who open a new business line.",
        capacity=12, min_participants=8, enrolment_mode="series", waitlist=True, requires_approval=False,
        facilitators="Growth-hacking coach\nCreative Region start-up mentor", sessions=sessions,
        cancel_until=sessions[0]["starts_at"] - timedelta(days=7),
        questions=[dict(kind="yesno", label=ELIGIBILITY, required=True),
                   dict(kind="text", label="What do you want to grow in the next twelve months?")])


def _mentorship(number, first_week):
    genk = _venue("limburg", "C-Mine Genk")
    sessions = []
    for i in range(7):
        day = _monday(first_week + 2 * i) + timedelta(days=1)
        visit = i == 6
        sessions.append(_session("Company visit" if visit else f"Workshop {i + 1}", genk, day, 13, 30, 4,
                                 module=f"Workshop {i + 1}",
                                 notes="We visit a Limburg manufacturer together." if visit else ""))
    return dict(
        org="limburg", programme="cci-factory", title=f"CCI Factory mentorship – trajectory {number}",
        description="Seven half-day workshops in which an experienced creative trains five newcomers; the "
                    "seventh workshop is a company visit.",
        capacity=5, min_participants=3, enrolment_mode="series", waitlist=True, requires_approval=True,
        facilitators=f"Experienced mentor, trajectory {number}", sessions=sessions,
        questions=[dict(kind="text", label="Your creative discipline and portfolio link", required=True)])


def _others():
    sokolov = _venue("sokolov", "Community centre Sokolov")
    lab = _venue("chemnitz", "Living Lab at the Ernesto Uhlmann site")
    garage = _venue("linz", "Grand Garage")
    arrsa = _venue("bielsko-biala", "Bielsko-Biała Technology Park")
    showroom = _venue("saxony", "CCI Showcase showroom")
    box = _venue("limburg", "The Box, Heusden-Zolder")
    companies = [_venue("padova", name) for _s, name, *_rest in EXTRA_VENUES if _s == "padova"]
    return [
        dict(org="sokolov", programme="coworking-space", title="Co-working workshops Sokolov-East",
             description="Two workshops with regional creatives to shape the future CCI co-working space; "
                         "30 participants in total.",
             capacity=15, min_participants=8, enrolment_mode="session", waitlist=True,
             sessions=[_session("Workshop 1: what a co-working space needs", sokolov, _monday(4) + timedelta(days=2),
                                17, 0, 3),
                       _session("Workshop 2: the business model", sokolov, _monday(8) + timedelta(days=2), 17, 0, 3)]),
        dict(org="chemnitz", programme="living-lab", title="Living Lab: CCI meets industry",
             description="A half-day workshop in which creatives and industrial companies develop ideas "
                         "together, and two follow-ups.",
             capacity=20, min_participants=10, enrolment_mode="series", waitlist=True,
             sessions=[_session("Half-day workshop", lab, _monday(5) + timedelta(days=3), 9, 0, 4),
                       _session("Follow-up 1", lab, _monday(9) + timedelta(days=3), 14, 0, 2),
                       _session("Follow-up 2", lab, _monday(13) + timedelta(days=3), 14, 0, 2)],
             questions=[dict(kind="choice", label="You come as", choices="Creative\nIndustrial company\nOther",
                             required=True)]),
        dict(org="linz", programme="industrial-hackathon", title="Industrial Hackathon Linz",
             description="48 hours in which creatives tackle challenges set by industrial companies.",
             capacity=40, min_participants=16, enrolment_mode="series", waitlist=True,
             sessions=[_session("48-hour hackathon", garage, _monday(10) + timedelta(days=4), 18, 0, 48)],
             questions=[dict(kind="choice", label="Team or solo?", choices="Team\nSolo", required=True)]),
        dict(org="bielsko-biala", programme="industrial-hackathon", title="Industrial Hackathon Bielsko-Biała",
             description="The Bielsko-Biała edition of the 48-hour hackathon, alongside the region's IT festival.",
             capacity=40, min_participants=16, enrolment_mode="series", waitlist=True,
             sessions=[_session("48-hour hackathon", arrsa, _monday(12) + timedelta(days=4), 18, 0, 48)],
             questions=[dict(kind="choice", label="Team or solo?", choices="Team\nSolo", required=True)]),
        dict(org="saxony", programme="cci-showcase", title="CCI Showcase: vernissage, concerts and finissage",
             description="Opening, two concerts and the closing of the public showroom for regional CCI products.",
             capacity=80, min_participants=0, enrolment_mode="session", waitlist=False,
             sessions=[_session("Vernissage", showroom, _monday(2) + timedelta(days=4), 18, 0, 3),
                       _session("Concert: Chemnitz bands", showroom, _monday(3) + timedelta(days=5), 19, 30, 2),
                       _session("Concert: jazz in the showroom", showroom, _monday(5) + timedelta(days=5), 19, 30, 2),
                       _session("Finissage", showroom, _monday(7) + timedelta(days=4), 18, 0, 3)]),
        dict(org="padova", programme="workers-welfare", title="Workers' welfare performances",
             description="Creatives perform inside three companies, for the welfare of their employees.",
             capacity=60, min_participants=10, enrolment_mode="session", waitlist=True,
             sessions=[_session(f"Performance at {v.name.split(':')[0]}", v, _monday(6 + 2 * i) + timedelta(days=2),
                                12, 30, 1) for i, v in enumerate(companies)]),
        dict(org="limburg", programme="pull-factors", title="Limburg community evenings",
             description="Evenings where local people meet the creatives testing The Box.",
             capacity=35, min_participants=5, enrolment_mode="session", waitlist=True,
             sessions=[_session(f"Community evening {i + 1}", box, _monday(2 + 4 * i) + timedelta(days=3), 19, 0, 2)
                       for i in range(3)]),
    ]


def seed():
    """Add the demo events that are missing; returns the titles added."""
    _ensure_venues()
    specs = [_bootcamp(), _mentorship(1, 4), _mentorship(2, 5), *_others()]
    existing = set(db.session.execute(sa.select(Event.organisation_id, Event.title)).all())
    added = []
    for spec in specs:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == spec.pop("org")))
        if (org.id, spec["title"]) in existing:
            continue
        programme = _programme(org.slug, spec.pop("programme"))
        actor = db.session.scalar(sa.select(User).where(User.email == organiser_email(org.slug)))
        event = services.create_event(actor, org.id, status="published",
                                      programme_id=programme.id if programme else None, **spec)
        added.append(event)
    for event in added:
        if event.title.startswith("Growth-hacking boot camp"):
            question = db.session.get(Event, event.id).questions[0]
            for email, _name, _locale in CREATIVES[:2]:
                user = db.session.scalar(sa.select(User).where(User.email == email))
                services.enrol(user, event.id, answers={str(question.id): "yes"})
    return [e.title for e in added]
