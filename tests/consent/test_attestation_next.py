"""The composer's link to the consent dialog carries ``?next=`` the conversation (texts
chosen), and confirming returns there."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from comptoir.consent.models import ConsentRecord, HowObtained


def conversation_url(customer) -> str:
    return reverse("dashboard:message_conversation", kwargs={"customer_id": customer.pk})


def test_the_composer_link_to_the_dialog_returns_to_the_conversation(
    messenger, customer, signed_in
):
    client = signed_in(messenger)
    page = client.get(conversation_url(customer)).content.decode()
    dialog = reverse("dashboard:text_consent_attest", kwargs={"customer_id": customer.pk})
    [link] = {unescape(href) for href in re.findall(rf'href="({re.escape(dialog)}[^"]*)"', page)}
    back = f"{conversation_url(customer)}?channel=sms"
    assert link == f"{dialog}?next=%2Fdashboard%2Fmessages%2F{customer.pk}%2F%3Fchannel%3Dsms"

    form = client.get(link)
    assert form.status_code == 200
    assert f'name="next" value="{back}"' in unescape(form.content.decode())
    response = client.post(
        link, {"how_obtained": HowObtained.IN_PERSON, "detail": "", "next": back}
    )

    assert response.status_code == 302 and response["Location"] == back
    assert ConsentRecord.objects.filter(customer=customer, staff=messenger).exists()
    composer = client.get(response["Location"])
    assert composer.status_code == 200
    assert composer.context["form"]["channel"].value() == "sms"
    assert "confirm that they agreed to receive texts" not in composer.content.decode()
