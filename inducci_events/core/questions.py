"""What the questions organisers ask (at enrolment, in a feedback questionnaire) share."""


class QuestionFields:
    """A question whose choices are stored one per line, shown as form field ``q_<id>``."""

    @property
    def choice_list(self):
        return [c.strip() for c in (self.choices or "").splitlines() if c.strip()]

    @property
    def field_name(self):
        return f"q_{self.id}"
