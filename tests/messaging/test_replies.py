"""Quoted history and signatures stripped from replies written with Gmail, Outlook and
Apple Mail, in French and English (fixtures: raw messages as those clients send them)."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from comptoir.messaging.replies import html_to_text, sanitise_html, strip_reply

FIXTURES = Path(__file__).parent / "fixtures" / "replies"
REPLIES = sorted(path.stem for path in FIXTURES.glob("*.eml"))


def fixture_email(name: str):
    return BytesParser(policy=policy.default).parsebytes((FIXTURES / f"{name}.eml").read_bytes())


def expected(name: str) -> str:
    return (FIXTURES / f"{name}.expected.txt").read_text(encoding="utf-8").strip()


def test_every_client_and_language_has_a_fixture():
    assert {
        "gmail_fr",
        "gmail_en",
        "outlook_fr",
        "outlook_en",
        "apple_mail_fr",
        "apple_mail_en",
    } <= set(REPLIES)


@pytest.mark.parametrize("name", REPLIES)
def test_the_text_part_of_a_reply_keeps_only_the_new_words(name):
    text = fixture_email(name).get_body(preferencelist=("plain",)).get_content()

    assert strip_reply(text) == expected(name)


@pytest.mark.parametrize(
    "name", [name for name in REPLIES if fixture_email(name).get_body(preferencelist=("html",))]
)
def test_the_html_part_of_a_reply_read_as_text_keeps_only_the_new_words(name):
    html = fixture_email(name).get_body(preferencelist=("html",)).get_content()

    assert " ".join(strip_reply(html_to_text(html)).split()) == " ".join(expected(name).split())


def test_a_sentence_starting_with_a_sign_off_word_is_not_taken_for_a_signature():
    text = (
        "Hello,\n\nThanks for the bread yesterday.\nCould you also keep two croissants for me?\n\n"
        "On Mon, Nov 30, 2026 at 10:02 AM Boulangerie Martin <shop@example.test> wrote:\n> Hello"
    )

    assert strip_reply(text) == (
        "Hello,\n\nThanks for the bread yesterday.\nCould you also keep two croissants for me?"
    )


def test_cordialement_in_the_middle_of_a_message_keeps_what_follows():
    text = "Bonjour,\nCordialement vôtre, mais la baguette était trop cuite.\nMerci d'y veiller.\n"

    assert strip_reply(text) == text.strip()


def test_a_reply_written_below_the_quote_keeps_the_unquoted_lines():
    text = (
        "On Mon, Nov 30, 2026 at 10:02 AM Boulangerie Martin <shop@example.test> wrote:\n"
        "> Would you like it sliced?\n\nYes please, sliced.\n"
    )

    assert strip_reply(text) == "Yes please, sliced."


def test_a_message_without_quote_or_signature_is_kept_whole():
    text = "Bonjour,\n\nAvez-vous du pain sans gluten le dimanche ?\n\nMerci"

    assert strip_reply(text) == text


def test_a_message_that_is_only_a_signature_marker_keeps_its_text():
    assert strip_reply("Sent from my iPhone") == "Sent from my iPhone"


def test_html_is_sanitised_scripts_handlers_and_images_removed():
    html = (
        '<div onclick="steal()">Bonjour <b>Hélène</b><script>alert(1)</script>'
        '<img src="https://tracker.example/p.gif"><a href="javascript:alert(1)">x</a>'
        '<a href="https://example.test/">site</a><style>body{}</style></div>'
    )

    cleaned = sanitise_html(html)

    assert "script" not in cleaned and "alert" not in cleaned
    assert "onclick" not in cleaned and "<img" not in cleaned and "body{}" not in cleaned
    assert "<b>Hélène</b>" in cleaned
    assert 'href="https://example.test/"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_html_to_text_marks_blockquotes_as_quotes():
    html = "<p>Oui merci</p><blockquote><p>Voulez-vous la galette ?</p></blockquote>"

    assert html_to_text(html) == "Oui merci\n\n> Voulez-vous la galette ?"
