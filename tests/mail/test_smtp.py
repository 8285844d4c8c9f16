"""The real SMTP conversation, over loopback, with an aiosmtpd server
(tests/mail/smtp_standin.py)."""

from __future__ import annotations

from email import message_from_bytes, policy

from comptoir.mail.models import EmailStatus
from comptoir.mail.services import queue_email
from tests.mail.smtp_standin import SMTPStandIn
from tests.mail.test_outbox import EMAIL, use_smtp


def test_email_goes_over_smtp_with_a_text_and_an_html_alternative(run_worker, settings):
    settings.DEFAULT_FROM_EMAIL = "Boulangerie Lune <bonjour@lune.example>"
    with SMTPStandIn() as server:
        use_smtp(settings, server.port)
        email = queue_email(**EMAIL)
        run_worker()

    verbs = [command.split(" ", 1)[0].upper() for command in server.conversation.commands]
    assert verbs == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]
    [received] = server.conversation.messages
    assert received.mail_from == "bonjour@lune.example"
    assert received.rcpt_to == ["camille@example.com"]

    message = message_from_bytes(received.data, policy=policy.default)
    assert message["To"] == "camille@example.com"
    assert message["Subject"] == "Votre commande est prête"
    assert message["Message-ID"] == email.provider_message_id
    assert message["Content-Language"] == "fr"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert "votre commande vous attend" in text.get_content()
    assert html.get_content_type() == "text/html"
    assert "<p>votre commande vous attend.</p>" in html.get_content()

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
