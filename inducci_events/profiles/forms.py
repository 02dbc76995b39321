"""Profile forms for the pages (the API has its schemas). They check shapes and bounds;
the service normalises tags and has the last word (:mod:`.rules`)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from . import rules

KIND_NAMES = [("creative", _l("Creative (person or team)")), ("company", _l("Company")),
              ("other", _l("Other (organisation, network, lab)"))]


class ProfileForm(FlaskForm):
    kind = SelectField(_l("I am"), choices=[SelectChoice(v, label) for v, label in KIND_NAMES],
                       validators=[InputRequired()])
    headline = StringField(_l("Headline"), validators=[InputRequired(), Length(max=rules.HEADLINE_MAX)],
                           description=_l("One line: who you are, what your company does."))
    about = TextAreaField(_l("About"), validators=[Length(max=rules.ABOUT_MAX)])
    skills = StringField(_l("Skills"), validators=[Length(max=1000)],
                         description=_l("Separated by commas, e.g. video production, UX design, 3D printing."))
    sectors = StringField(_l("Sectors"), validators=[Length(max=1000)],
                          description=_l("Separated by commas, e.g. automotive, textiles, metal working."))
    region = StringField(_l("Region"), validators=[Length(max=rules.REGION_MAX)],
                         description=_l("e.g. Chemnitz, Upper Austria, Silesia."))
    languages = StringField(_l("Languages"), validators=[Length(max=100)],
                            description=_l("Two-letter codes separated by commas, e.g. de, en, pl."))
    offers = TextAreaField(_l("What I offer"), validators=[Length(max=rules.OFFERS_MAX)])
    needs = TextAreaField(_l("What I am looking for"), validators=[Length(max=rules.NEEDS_MAX)])
    visible = BooleanField(_l("Show my profile in the public directory (your e-mail address is never shown)"))

    def values(self):
        return dict(kind=self.kind.data, headline=self.headline.data, about=self.about.data or "",
                    skills=self.skills.data or "", sectors=self.sectors.data or "", region=self.region.data or "",
                    languages=self.languages.data or "", offers=self.offers.data or "", needs=self.needs.data or "",
                    visible=self.visible.data)

    def fill_from(self, profile):
        for name in ("kind", "headline", "about", "region", "offers", "needs", "visible"):
            getattr(self, name).data = getattr(profile, name)
        self.skills.data = ", ".join(profile.skills)
        self.sectors.data = ", ".join(profile.sectors)
        self.languages.data = ", ".join(profile.languages)


class MessageForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[InputRequired(), Length(max=rules.MESSAGE_SUBJECT_MAX)])
    body = TextAreaField(_l("Your message"), validators=[InputRequired(), Length(min=10, max=rules.MESSAGE_MAX)],
                         description=_l("Your e-mail address is not shared: the reply comes through the app."))
