from __future__ import annotations

import factory

from comptoir.mail.models import EmailStatus, OutgoingEmail


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingEmail

    to_address = factory.Sequence(lambda n: f"client{n}@example.com")
    subject = factory.Sequence(lambda n: f"Commande n°{n}")
    text_body = "Bonjour,\nvotre commande est prête.\n"
    html_body = "<p>Bonjour,</p><p>votre commande est prête.</p>"
    language = "fr"
    kind = "order_ready"
    status = EmailStatus.SENT
    attempts = 1
