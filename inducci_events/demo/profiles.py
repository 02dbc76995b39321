"""Demo profiles for the directory: the Living Lab Chemnitz with its needs and offers,
KRACH+ creatives, and companies from Upper Austria and Bielsko-Biała that pitch challenges
at the industrial hackathons.

Wording from the pilot-actions summary (``shared/seeds``): the Living Lab "brings
employees from industrial companies together with CCI entrepreneurs for working jointly on
branch challenges" and looks for "digital solutions for platforms on which we can match
specific requirements/problems/work orders with the offers of the CCI"; KRACH+ networks
"Chemnitz and European creatives" and offers co-residencies. The companies are fictional.
Idempotent: a user who already has a profile keeps it.
"""
import sqlalchemy as sa

from ..accounts.models import User
from ..extensions import db
from ..profiles import services
from ..profiles.models import Profile
from .foundation import DEMO_PASSWORD_CREATIVE, _ensure_user

#: Accounts that exist only for their profile: (e-mail, name, locale).
PROFILE_USERS = [
    ("living.lab@inducci.example.org", "Living Lab Chemnitz", "de"),
    ("metallbau.traun@example.org", "Metallbau Traun GmbH (demo company)", "de"),
    ("kunststoff.wels@example.org", "Kunststofftechnik Wels (demo company)", "de"),
    ("tkaniny.bielsko@example.org", "Tkaniny Bielsko sp. z o.o. (demo company)", "pl"),
]

#: e-mail -> the profile's fields.
PROFILES = {
    "living.lab@inducci.example.org": dict(
        kind="other", headline="Living Lab: industrial employees and CCI entrepreneurs on branch challenges",
        about="Using a Lab format, we bring employees from industrial companies together with CCI entrepreneurs "
              "for working jointly on branch challenges: collaborative innovation, cross-wise learning and "
              "out-of-the-box thinking.",
        skills=["workshop facilitation", "matchmaking", "design thinking"],
        sectors=["mechanical engineering", "automotive", "textiles"], region="Chemnitz", languages=["de", "en"],
        offers="Lab sessions with industrial companies of the Chemnitz region; a room, moderation and contacts.",
        needs="Digital solutions for platforms on which we can match specific requirements, problems and work "
              "orders with the offers of the CCI; creatives who want to work on branch challenges.",
        visible=True),
    "jonas.berger@example.org": dict(
        kind="creative", headline="Motion design and video for industrial companies (KRACH+)",
        about="Freelance motion designer in Chemnitz, part of the KRACH community.",
        skills=["video production", "motion design", "3d animation"], sectors=["mechanical engineering"],
        region="Chemnitz", languages=["de", "en"],
        offers="Explainer films of machines and processes; short films for apprenticeship campaigns.",
        needs="Companies that want to show what they make; a co-residency partner abroad.", visible=True),
    "anna.kovac@example.org": dict(
        kind="creative", headline="Illustrator and UX designer, KRACH+ co-resident",
        about="Based in Kranj, currently on a KRACH+ co-residency in Chemnitz.",
        skills=["illustration", "ux design", "service design"], sectors=["textiles", "publishing"],
        region="Chemnitz", languages=["sl", "en", "de"],
        offers="Interfaces and illustrated manuals that workers actually read.",
        needs="A workshop floor to test a prototype with its users.", visible=True),
    "giulia.rossi@example.org": dict(
        kind="creative", headline="Product designer: from waste material to products",
        about="Product designer from Padova working with leftover industrial materials.",
        skills=["product design", "3d printing", "prototyping"], sectors=["plastics", "textiles"],
        region="Veneto", languages=["it", "en"],
        offers="Prototypes from your production leftovers.", needs="Factories with material to spare.",
        visible=True),
    "tomas.novak@example.org": dict(
        kind="creative", headline="Sound designer (profile not yet public)",
        skills=["sound design"], sectors=["mining"], region="Karlovy Vary Region", languages=["cs", "en"],
        visible=False),
    "metallbau.traun@example.org": dict(
        kind="company", headline="Metal construction company near Linz with a challenge for creatives",
        about="Family-owned metal construction company in Upper Austria, 120 employees.",
        skills=["welding", "cnc machining"], sectors=["metal working", "construction"], region="Upper Austria",
        languages=["de", "en"],
        offers="A challenge for the Industrial Hackathon, our workshop for 48 hours, a prize for the team.",
        needs="Creative ideas to make our apprenticeships visible to young people.", visible=True),
    "kunststoff.wels@example.org": dict(
        kind="company", headline="Plastics processing: looking for product ideas from creatives",
        about="Injection moulding for the automotive industry in Wels, Upper Austria.",
        skills=["injection moulding"], sectors=["plastics", "automotive"], region="Upper Austria",
        languages=["de"], offers="Machine time and material for prototypes.",
        needs="Designers for a consumer product line from our recycled material.", visible=True),
    "tkaniny.bielsko@example.org": dict(
        kind="company", headline="Textile mill in Bielsko-Biała: a traditional company meets the CCI",
        about="Wool fabrics since 1948; a traditional industrial company of the Silesian region.",
        skills=["weaving", "textile finishing"], sectors=["textiles"], region="Silesia", languages=["pl", "en"],
        offers="Fabric samples, our archive of patterns, a challenge for the hackathon.",
        needs="Fashion and graphic designers for a new collection; a digital showroom.", visible=True),
}


def seed():
    """Create the demo profiles that are missing; returns how many were added."""
    for email, name, locale in PROFILE_USERS:
        _ensure_user(email, name, DEMO_PASSWORD_CREATIVE, locale)
    added = 0
    for email, values in PROFILES.items():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None or db.session.scalar(sa.select(Profile.id).where(Profile.user_id == user.id)) is not None:
            continue
        services.save_profile(user, **values)
        added += 1
    return added
