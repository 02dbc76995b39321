"""Imports every model module, so the metadata is complete for Alembic and create_all."""
from .accounts.models import ApiToken, Membership, User, UserSession  # noqa: F401
from .organisations.models import Organisation, Programme, ReachTarget, Venue  # noqa: F401
from .mail.models import OutboxMessage  # noqa: F401
from .spaces.models import SpaceBlackout, SpaceBooking, SpaceListing, SpaceOpeningHours, SpaceTeamMember  # noqa: F401,E501
from .helpdesk.models import Absence, Adviser, Appointment, HelpDesk, MentoringRequest, OfficeHourRule  # noqa: F401
from .workshops.models import Attendance, Enrolment, Event, Question, Session  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .reach.models import ReachTally  # noqa: F401
from .feedback.models import FeedbackAnswer, FeedbackForm, FeedbackQuestion, Respondent, Response  # noqa: F401
from .profiles.models import Profile, ProfileMessage, ProfileTag  # noqa: F401
