import pytest

from inducci_events.profiles import services


def profile_values(**overrides):
    values = dict(kind="creative", headline="Video production for industrial brands",
                  about="A two-person studio in Chemnitz.", skills=["Video production", "3D animation"],
                  sectors=["Automotive"], region="Chemnitz", languages=["de", "en"],
                  offers="Short films about your workshop floor.", needs="Companies with a story to tell.",
                  visible=True)
    values.update(overrides)
    return values


@pytest.fixture
def make_profile(make_user):
    """``make_profile(user=None, **fields)``: a saved profile (visible unless told)."""

    def make(user=None, **fields):
        user = user or make_user()
        return services.save_profile(user, **profile_values(**fields))

    return make
