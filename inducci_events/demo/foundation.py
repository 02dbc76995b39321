"""The eight InduCCI partners, their pilot actions, venues and demo users.

Wording and figures come from the InduCCI flyer and the pilot-actions summary report
(``shared/seeds``). Seeding is idempotent: rows are found by slug or e-mail and only
missing ones are added.
"""
import sqlalchemy as sa

from ..accounts import services as accounts
from ..accounts.models import User
from ..core.auth import COMMAND_LINE
from ..core.db import unit_of_work
from ..extensions import db
from ..organisations.models import Organisation, Programme, ReachTarget, Venue

DEMO_PASSWORD_ORGANISER = "inducci-organiser"
DEMO_PASSWORD_CREATIVE = "inducci-creative"

PARTNERS = [
    dict(slug="chemnitz", name="Economic Development Corporation Chemnitz", short_name="CWE Chemnitz",
         region="Administrative district Chemnitz", country="DE", timezone="Europe/Berlin", default_locale="de",
         description="Runs KRACH, the scheme that brings creatives into vacant shops of Chemnitz city centre."),
    dict(slug="saxony", name="Regional Association for Cultural and Creative Industries Saxony",
         short_name="KREATIVES SACHSEN", region="Saxony", country="DE", timezone="Europe/Berlin",
         default_locale="de",
         description="The regional association of cultural and creative industries in Saxony."),
    dict(slug="linz", name="Creative Region Linz & Upper Austria", short_name="Creative Region",
         region="Upper Austria", country="AT", timezone="Europe/Vienna", default_locale="de",
         description="Helps creative entrepreneurs of Linz and Upper Austria grow and work with industry."),
    dict(slug="sokolov", name="Microregion Sokolov-East", short_name="Sokolov-East",
         region="Northwestern Bohemia (Karlovy Vary Region)", country="CZ", timezone="Europe/Prague",
         default_locale="en",
         description="An association of municipalities east of Sokolov preparing a CCI co-working space."),
    dict(slug="bielsko-biala", name="Regional Development Agency Bielsko-Biala", short_name="ARRSA",
         region="Southern Silesia", country="PL", timezone="Europe/Warsaw", default_locale="en",
         description="Regional development agency of Bielsko-Biała, co-organiser of the Industrial Hackathon."),
    dict(slug="padova", name="Padova Chamber of Commerce, Industry, Crafts and Agriculture",
         short_name="CCIAA Padova", region="Veneto", country="IT", timezone="Europe/Rome", default_locale="en",
         description="Builds a network of CCI help-desks across the Veneto region."),
    dict(slug="kranj", name="Business Support Centre Kranj", short_name="BSC Kranj", region="Gorenjska",
         country="SI", timezone="Europe/Ljubljana", default_locale="en",
         description="Runs the small-town CCI help-desk in Kovačnica Kranj and Škofja Loka."),
    dict(slug="limburg", name="STEBO Competence Centre for Community Development", short_name="STEBO",
         region="Province of Limburg", country="BE", timezone="Europe/Brussels", default_locale="en",
         description="Community development in Limburg: pull factors for CCI and the CCI Factory mentorship."),
]

#: (organisation slug, programme slug, title, summary, [(target, label, metric)]): the targets of
#: the seeds (pilot-actions summary), each with what counts towards it (``reach/metrics.py``).
PROGRAMMES = [
    ("chemnitz", "krach-plus", "KRACH+",
     "Vacant shops and commercial premises as laboratories for ideas, for a few days to a few weeks.",
     [(10, "temporary uses", "space_bookings"),
      (3, "cooperative residencies with partner regions", "manual")]),
    ("chemnitz", "living-lab", "Living Lab",
     "CCI and industrial companies develop ideas together in a half-day lab and its follow-ups.",
     [(20, "participants", "people_enrolled")]),
    ("saxony", "cci-showcase", "CCI Showcase",
     "A temporary public showroom for regional CCI products, open at fixed hours for 4-6 weeks.",
     [(100, "CCI visitors", "manual"), (100, "visitors from the public", "manual"), (15, "exhibitors", "exhibitors")]),
    ("linz", "growth-hacking-boot-camp", "Growth-hacking boot camp",
     "Five modules “from prototyping to market leader” for creative founders who want to grow.",
     [(12, "participants", "people_enrolled"), (12, "participants who attended", "people_attended")]),
    ("linz", "industrial-hackathon", "Industrial Hackathon",
     "48 hours in which creatives tackle challenges set by industrial companies.",
     [(40, "participants", "people_enrolled"), (4, "company challenges", "challenges")]),
    ("sokolov", "coworking-space", "Preparing a CCI co-working space",
     "Workshops with regional creatives to shape a co-working space in Sokolov-East.",
     [(30, "participants", "people_enrolled")]),
    ("bielsko-biala", "industrial-hackathon", "Industrial Hackathon",
     "The Bielsko-Biała edition of the 48-hour hackathon, alongside the region's IT festival.",
     [(40, "participants", "people_enrolled")]),
    ("padova", "cci-help-desks", "CCI help-desks",
     "A network of help desks supporting CCI start-ups in pre-incubation, acceleration and crowdfunding.",
     [(50, "users", "people_served")]),
    ("padova", "workers-welfare", "Workers' welfare",
     "Performances by creatives inside companies, for the welfare of their employees.",
     [(3, "companies", "manual")]),
    ("kranj", "cci-help-desk", "CCI help-desk",
     "A small-town help desk for creatives in Kovačnica Kranj with a satellite in Škofja Loka.",
     [(50, "users", "people_served")]),
    ("limburg", "pull-factors", "Limburg pull factors",
     "Plug-and-play spaces and a package of pull factors that attract metropolitan CCI to Limburg.",
     [(5, "creatives testing The Box", "space_bookings")]),
    ("limburg", "cci-factory", "CCI Factory mentorship",
     "Experienced creatives train newcomers in two trajectories of seven half-day workshops.",
     [(10, "participants", "people_enrolled"), (2, "mentors", "manual")]),
]

#: (organisation slug, name, street, postcode, city, country, timezone)
VENUES = [
    ("chemnitz", "KRACH shop, Innere Klosterstraße", "Innere Klosterstraße 6", "09111", "Chemnitz", "DE",
     "Europe/Berlin"),
    ("chemnitz", "Living Lab at the Ernesto Uhlmann site", "Zwickauer Straße 20", "09112", "Chemnitz", "DE",
     "Europe/Berlin"),
    ("saxony", "CCI Showcase showroom", "Straße der Nationen 12", "09111", "Chemnitz", "DE", "Europe/Berlin"),
    ("linz", "Tabakfabrik Linz", "Peter-Behrens-Platz 1", "4020", "Linz", "AT", "Europe/Vienna"),
    ("linz", "Grand Garage", "Peter-Behrens-Platz 10", "4020", "Linz", "AT", "Europe/Vienna"),
    ("sokolov", "Community centre Sokolov", "Staré náměstí 25", "356 01", "Sokolov", "CZ", "Europe/Prague"),
    ("bielsko-biala", "ARRSA conference hall", "Cechowa 6", "43-300", "Bielsko-Biała", "PL", "Europe/Warsaw"),
    ("padova", "Padova Chamber of Commerce", "Piazza Insurrezione 1/A", "35137", "Padova", "IT", "Europe/Rome"),
    ("kranj", "Kovačnica Kranj", "Cesta Staneta Žagarja 37", "4000", "Kranj", "SI", "Europe/Ljubljana"),
    ("kranj", "Kreativnica Škofja Loka", "Mestni trg 35", "4220", "Škofja Loka", "SI", "Europe/Ljubljana"),
    ("limburg", "The Box, Heusden-Zolder", "Koolmijnlaan 201", "3550", "Heusden-Zolder", "BE", "Europe/Brussels"),
    ("limburg", "C-Mine Genk", "C-Mine 10", "3600", "Genk", "BE", "Europe/Brussels"),
]

CREATIVES = [
    ("anna.kovac@example.org", "Anna Kovač", "en"),
    ("jonas.berger@example.org", "Jonas Berger", "de"),
    ("giulia.rossi@example.org", "Giulia Rossi", "en"),
    ("tomas.novak@example.org", "Tomáš Novák", "en"),
]


def organiser_email(slug):
    return f"organiser.{slug}@inducci.example.org"


def _upsert_partners(session):
    orgs = {o.slug: o for o in session.scalars(sa.select(Organisation))}
    for data in PARTNERS:
        if data["slug"] not in orgs:
            org = Organisation(**data)
            session.add(org)
            orgs[org.slug] = org
    session.flush()
    programmes = {(p.organisation_id, p.slug) for p in session.scalars(sa.select(Programme))}
    for org_slug, slug, title, summary, targets in PROGRAMMES:
        org = orgs[org_slug]
        if (org.id, slug) not in programmes:
            session.add(Programme(
                organisation_id=org.id, slug=slug, title=title, summary=summary, description=summary,
                targets=[ReachTarget(position=i, value=v, label=label, metric=metric)
                         for i, (v, label, metric) in enumerate(targets)],
            ))
    venues = {(v.organisation_id, v.name) for v in session.scalars(sa.select(Venue))}
    for org_slug, name, street, postcode, city, country, tz in VENUES:
        org = orgs[org_slug]
        if (org.id, name) not in venues:
            session.add(Venue(organisation_id=org.id, name=name, street=street, postcode=postcode, city=city,
                              country=country, timezone=tz))


def _ensure_user(email, name, password, locale):
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = accounts.register_user(email, password, name, locale)
    return user


def seed():
    """Idempotently load the foundation demo data; returns ``[(email, password, role)]``."""
    with unit_of_work() as session:
        _upsert_partners(session)
    logins = []
    for data in PARTNERS:
        email = organiser_email(data["slug"])
        _ensure_user(email, f"Organiser {data['short_name']}", DEMO_PASSWORD_ORGANISER, data["default_locale"])
        accounts.grant_role(email, data["slug"], "organiser", actor=COMMAND_LINE)
        logins.append((email, DEMO_PASSWORD_ORGANISER, f"organiser, {data['short_name']}"))
    for email, name, locale in CREATIVES:
        _ensure_user(email, name, DEMO_PASSWORD_CREATIVE, locale)
        logins.append((email, DEMO_PASSWORD_CREATIVE, "creative"))
    return logins
