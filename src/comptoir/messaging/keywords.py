"""What an inbound text says, when it is a keyword (the words carriers and Twilio know).

``classify`` reads the whole text: a keyword counts only when it is the whole message,
whatever its case, accents aside for ARRÊT, with spaces and punctuation around it
ignored ("Stop!", " stop. "). A longer text that contains "stop" or "arrêt" is not an
opt-out but is shown to staff as a possible one (``mentions_stop``). Precedence between
keywords and pending requests is decided by ``messaging.sms_inbound``."""

from __future__ import annotations

import enum
import re

from comptoir.customers.search import fold


class Keyword(enum.Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"  # START, UNSTOP
    YES = "yes"  # YES, Y, OUI, O: an answer to an opt-in request, else a resubscription
    HELP = "help"


OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "ARRET"}
)
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
YES_WORDS = frozenset({"YES", "Y", "OUI", "O"})
HELP_WORDS = frozenset({"HELP", "INFO", "AIDE"})

# Everything that is neither a letter nor a digit, at either end.
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_STOP_INSIDE = re.compile(r"\b(stop|arret)")


def normalised_word(text: str) -> str:
    """The text as one upper-case word without accents or surrounding punctuation;
    "" when it is more than one word."""
    word = _EDGES.sub("", fold(text))
    if not word or any(char.isspace() for char in word):
        return ""
    return word.upper()


def classify(text: str) -> Keyword | None:
    word = normalised_word(text)
    if word in OPT_OUT_WORDS:
        return Keyword.OPT_OUT
    if word in OPT_IN_WORDS:
        return Keyword.OPT_IN
    if word in YES_WORDS:
        return Keyword.YES
    if word in HELP_WORDS:
        return Keyword.HELP
    return None


def is_yes(text: str) -> bool:
    return normalised_word(text) in YES_WORDS


def mentions_stop(text: str) -> bool:
    """A text that is not a keyword but speaks of stopping ("please stop texting me")."""
    return classify(text) is None and bool(_STOP_INSIDE.search(fold(text)))
