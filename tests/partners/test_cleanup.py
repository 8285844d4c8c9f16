"""Processed event ids are kept 72 hours, then forgotten by the cleanup task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from comptoir.partners.models import ProcessedEvent
from comptoir.partners.tasks import forget_processed_events
from tests.partners.conftest import event

pytestmark = pytest.mark.django_db

MONDAY = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def test_processed_events_older_than_72_hours_are_deleted(partner, burger, post_event):
    with time_machine.travel(MONDAY, tick=False):
        post_event(partner, event(event_id="evt_old", order_id="LV-1"))
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        post_event(partner, event(event_id="evt_recent", order_id="LV-2"))

    with time_machine.travel(MONDAY + timedelta(hours=72, minutes=1), tick=False):
        assert forget_processed_events.call() == 1
        assert list(ProcessedEvent.objects.values_list("event_id", flat=True)) == ["evt_recent"]
        # Within 72 hours a replay is still recognised.
        replay = post_event(partner, event(event_id="evt_recent", order_id="LV-2"))
        assert replay.json()["status"] == "already_processed"


def test_nothing_younger_than_72_hours_is_deleted(partner, burger, post_event):
    with time_machine.travel(MONDAY, tick=False):
        post_event(partner, event())
    with time_machine.travel(MONDAY + timedelta(hours=71, minutes=59), tick=False):
        assert forget_processed_events.call() == 0
    assert ProcessedEvent.objects.count() == 1
