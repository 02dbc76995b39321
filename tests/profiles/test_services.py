"""Profile rules below HTTP: saving and validation, the directory's search and filters,
and the relay's hourly limit."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from inducci_events.core.db import unit_of_work, utcnow
from inducci_events.core.errors import ValidationFailed
from inducci_events.extensions import db
from inducci_events.profiles import privacy, queries, services
from inducci_events.profiles.models import Profile, ProfileMessage, ProfileTag
from tests.conftest import count
from tests.profiles.conftest import profile_values


def test_one_profile_per_user_with_normalised_tags(make_user):
    user = make_user()
    first = services.save_profile(user, **profile_values(skills=["  Video   Production", "#UX design",
                                                                 "video production"]))
    again = services.save_profile(user, **profile_values(headline="Now a new line", skills="ux design, Sound"))
    assert first.id == again.id and count(Profile) == 1
    profile = db.session.get(Profile, first.id)
    assert profile.headline == "Now a new line"
    assert profile.skills == ["ux design", "sound"] and profile.sectors == ["automotive"]
    assert profile.languages == ["de", "en"]
    assert count(ProfileTag) == 5


@pytest.mark.parametrize("field, value, message", [
    ("headline", "   ", "Say in one line"),
    ("headline", "x" * 161, "At most 160 characters."),
    ("about", "x" * 4001, "At most 4000 characters."),
    ("kind", "robot", "Choose creative, company or other."),
    ("skills", ["x"], "a tag has 2 to 40 characters"),
    ("skills", ["a" * 41], "a tag has 2 to 40 characters"),
    ("skills", [f"skill {n}" for n in range(21)], "At most 20 entries."),
    ("sectors", ["<script>"], "use letters, digits"),
    ("languages", ["German"], "two- or three-letter code"),
])
def test_invalid_values_are_refused_per_field_and_nothing_is_written(make_user, field, value, message):
    user = make_user()
    with pytest.raises(ValidationFailed) as refused:
        services.save_profile(user, **profile_values(**{field: value}))
    assert message in " ".join(str(m) for m in refused.value.fields[field])
    assert count(Profile) == 0 and count(ProfileTag) == 0


def _names(**filters):
    return sorted(p.headline for p in queries.search(**filters))


def test_search_and_filters_find_visible_profiles_only(make_profile):
    make_profile(headline="Video studio", skills=["video production"], sectors=["automotive"], region="Chemnitz")
    make_profile(kind="company", headline="Fabryka Łożysk", about="Bearings from Bielsko-Biała",
                 skills=["machining"], sectors=["metal working"], region="Silesia", needs="A new brand film")
    make_profile(headline="Hidden sound designer", skills=["video production"], region="Chemnitz", visible=False)
    assert _names() == ["Fabryka Łożysk", "Video studio"]
    assert _names(skill="Video Production") == ["Video studio"]
    assert _names(sector="metal working") == ["Fabryka Łożysk"]
    assert _names(region="chemnitz") == ["Video studio"]
    assert _names(kind="company") == ["Fabryka Łożysk"]
    assert _names(q="ŁOŻYSK") == ["Fabryka Łożysk"]  # case-folded beyond ASCII, also on SQLite
    assert _names(q="brand film") == ["Fabryka Łożysk"]  # every word, in the needs
    assert _names(q="sound") == []  # the hidden one never
    assert _names(q="100%_") == []
    assert _names(language="de") == ["Fabryka Łożysk", "Video studio"]


def test_a_deactivated_account_leaves_the_directory(make_profile, make_user):
    user = make_user()
    make_profile(user=user)
    with unit_of_work() as session:
        session.get(type(user), user.id).deactivated_at = utcnow()
    assert _names() == []


def test_the_hourly_limit_counts_the_senders_messages(app, make_profile, make_user):
    app.config["PROFILE_MESSAGES_PER_HOUR"] = 2
    target = make_profile()
    sender = make_user()
    for n in range(2):
        services.write_to_profile(sender, target.id, subject=f"Hello {n}", body="Shall we meet in Chemnitz?")
    with pytest.raises(services.TooManyMessages) as refused:
        services.write_to_profile(sender, target.id, subject="Third", body="Shall we meet in Chemnitz?")
    assert refused.value.status == 429 and "2 messages per hour" in str(refused.value.message)
    assert count(ProfileMessage) == 2
    # an hour later the budget is back
    with unit_of_work():
        db.session.execute(sa.update(ProfileMessage).values(created_at=utcnow() - timedelta(hours=1, minutes=1)))
    services.write_to_profile(sender, target.id, subject="Again", body="Shall we meet in Chemnitz?")
    # another sender has their own budget
    services.write_to_profile(make_user(), target.id, subject="Hi", body="Shall we meet in Chemnitz?")
    assert count(ProfileMessage) == 4


def test_no_messages_to_hidden_profiles_or_oneself(make_profile, make_user):
    hidden = make_profile(visible=False)
    sender = make_user()
    with pytest.raises(services.ProfileNotFound):
        services.write_to_profile(sender, hidden.id, subject="Hi", body="Shall we meet in Chemnitz?")
    own = make_profile(user=sender)
    with pytest.raises(ValidationFailed):
        services.write_to_profile(sender, own.id, subject="Hi", body="Shall we meet in Chemnitz?")
    with pytest.raises(ValidationFailed) as refused:
        services.write_to_profile(make_user(), own.id, subject="", body="short")
    assert set(refused.value.fields) == {"subject", "body"}
    assert count(ProfileMessage) == 0


def test_export_and_erase(make_profile, make_user):
    owner = make_user(name="Olga Owner")
    profile = make_profile(user=owner)
    writer = make_user(name="Wanda Writer")
    message = services.write_to_profile(writer, profile.id, subject="Hi", body="Shall we meet in Chemnitz?")
    services.reply(owner, message.id, subject="Re: Hi", body="Yes, on Monday at the Living Lab.")
    data = privacy.export_for(owner)
    assert data["profile"]["skills"] == ["video production", "3d animation"]
    assert data["messages_received"][0]["from"] == "Wanda Writer"
    assert data["messages_sent"][0]["to"] == "Wanda Writer"
    assert "@" not in str(data["messages_sent"]) + str(data["messages_received"])
    with unit_of_work() as session:
        privacy.erase_for(session, owner)
    assert count(Profile) == 0 and count(ProfileTag) == 0 and count(ProfileMessage) == 0
    assert privacy.export_for(owner) == {"profile": None, "messages_sent": [], "messages_received": []}


@pytest.mark.postgres_only
def test_parallel_sends_never_pass_the_hourly_limit(app, make_profile, make_user):
    from tests.conftest import run_at_once

    app.config["PROFILE_MESSAGES_PER_HOUR"] = 3
    # Plain values first: the threads never touch this test's ORM objects.
    target_id = make_profile().id
    sender_id = make_user().id

    def send():
        from inducci_events.accounts.models import User

        return services.write_to_profile(db.session.get(User, sender_id), target_id, subject="Hi",
                                         body="Shall we meet in Chemnitz?").id

    outcomes = run_at_once(app, [send] * 8)
    assert sorted(kind for kind, _ in outcomes) == ["ok"] * 3 + ["refused"] * 5
    assert {code for kind, code in outcomes if kind == "refused"} == {"too_many_messages"}
    assert count(ProfileMessage) == 3
