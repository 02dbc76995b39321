from inducci_events.profiles.models import Profile
from tests.conftest import count


def test_the_demo_fills_the_directory_once(runner, client):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "Directory: 8 demo profile(s) added" in first.output
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert count(Profile) == 8
    page = client.get("/profiles/").get_data(as_text=True)
    assert "Living Lab Chemnitz" in page and "Tkaniny Bielsko" in page and "Metallbau Traun" in page
    assert "7 profiles found" in page and "Sound designer" not in page  # Tomáš's is hidden
    needs = client.get("/profiles/?q=work+orders").get_data(as_text=True)
    assert "Living Lab Chemnitz" in needs and "1 profile found" in needs
    assert "Tkaniny Bielsko" in client.get("/profiles/?region=Silesia&kind=company").get_data(as_text=True)
