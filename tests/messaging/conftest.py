"""Fixtures for the messaging tests (other test folders may import them):

- ``verified_business``: the shop's business identity, complete and verified.
- ``messaging_member`` / ``messaging_client``: a team member holding only "View and
  send messages to customers" (English), and a client signed in as them (``.member``).
- ``twilio_standin``: a running loopback stand-in of Twilio's Messages API with the
  settings pointing the Twilio backend at it (see tests/messaging/twilio_standin.py).
- ``immediate_tasks``, ``run_worker``: from tests/jobs/fixtures.py.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from comptoir.messaging.models import BusinessVerification
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from tests.jobs.fixtures import _reset_test_tasks, immediate_tasks, run_worker  # noqa: F401
from tests.messaging.twilio_standin import AUTH_TOKEN, FROM_NUMBER, TwilioStandIn

# A real SIRET (La Poste's head office), valid for python-stdnum.
VALID_SIRET = "35600000000048"


@pytest.fixture
def verified_business(db, owner) -> BusinessVerification:
    shop = get_shop()
    return BusinessVerification.objects.create(
        legal_name="Comptoir Martin SARL",
        registration_number=VALID_SIRET,
        country=shop.country,
        address="12 rue des Lilas\n75011 Paris",
        owner_name="Hélène Martin",
        verified_at=timezone.now(),
        updated_by=owner,
    )


@pytest.fixture
def messaging_member(make_member):
    return make_member(permissions=[Permission.MESSAGE_CUSTOMERS], user__language="en")


@pytest.fixture
def messaging_client(messaging_member, signed_in):
    client = signed_in(messaging_member)
    client.member = messaging_member
    return client


@pytest.fixture
def twilio_standin(settings):
    standin = TwilioStandIn().start()
    settings.COMPTOIR_SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = standin.account_sid
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_API_BASE = standin.url
    yield standin
    standin.stop()
