"""Inbound keywords read from the whole text: any case, surrounding spaces and
punctuation ignored, accents aside for ARRÊT; a longer text speaking of stopping is a
possible opt-out, not an opt-out."""

from __future__ import annotations

import pytest

from comptoir.messaging.keywords import Keyword, classify, is_yes, mentions_stop


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        " Stop! ",
        "StopAll",
        "unsubscribe",
        "CANCEL",
        "end.",
        "Quit",
        "revoke",
        "OPTOUT",
        "arret",
        "ARRÊT",
        "Arrêt !",
    ],
)
def test_opt_out_words(text):
    assert classify(text) is Keyword.OPT_OUT


@pytest.mark.parametrize("text", ["START", "unstop", "Start."])
def test_opt_in_words(text):
    assert classify(text) is Keyword.OPT_IN


@pytest.mark.parametrize("text", ["YES", "y", "Oui", "o", " yes! ", "OUI."])
def test_yes_words(text):
    assert classify(text) is Keyword.YES
    assert is_yes(text)


@pytest.mark.parametrize("text", ["HELP", "info", "Aide?"])
def test_help_words(text):
    assert classify(text) is Keyword.HELP


@pytest.mark.parametrize(
    "text", ["please stop texting me", "stop it", "stop now please", "yes please", "c", ""]
)
def test_longer_texts_are_not_keywords(text):
    assert classify(text) is None


def test_a_sentence_with_stop_is_a_possible_opt_out():
    assert mentions_stop("please stop texting me")
    assert mentions_stop("Merci d'arrêter... ARRÊT des messages svp")
    assert not mentions_stop("STOP")  # the keyword itself is an opt-out, not a "possible" one
    assert not mentions_stop("see you tomorrow")
