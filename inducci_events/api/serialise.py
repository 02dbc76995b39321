"""Model -> JSON shapes shared by API modules (the contract in shared/API.md)."""
from ..calendar.items import absolute as ical_url  # noqa: F401  (the absolute URL of a public feed)


def user_json(user):
    return {"id": user.id, "email": user.email, "name": user.name}


def me_json(user):
    data = user_json(user)
    data.update({
        "locale": user.locale,
        "roles": user.roles,
        "memberships": [
            {"organisation": m.organisation.slug, "organisation_name": m.organisation.name, "role": m.role}
            for m in sorted(user.memberships, key=lambda m: (m.organisation.slug, m.role))
        ],
    })
    return data


def organisation_json(org):
    return {"slug": org.slug, "name": org.name, "region": org.region, "country": org.country,
            "timezone": org.timezone, "default_locale": org.default_locale, "is_partner": org.is_partner}


def venue_json(venue):
    return {"id": venue.id, "organisation": venue.organisation.slug, "name": venue.name,
            "street": venue.street, "postcode": venue.postcode, "city": venue.city, "country": venue.country,
            "address": venue.address, "timezone": venue.timezone, "description": venue.description}
