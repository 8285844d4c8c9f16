"""A text provider's error codes in words. Kept apart from the provider code so that a
message can say why it failed in the reader's language without loading a provider."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The provider's error codes staff may meet, in words (shown on a failed message).
PROVIDER_ERRORS: dict[str, Promise] = {
    "21211": _("The phone number is not valid."),
    "21614": _("The phone number cannot receive texts."),
    "21635": _("The number is a landline: it cannot receive texts."),
    "30003": _("The phone is unreachable (switched off or out of coverage)."),
    "30005": _("The number does not exist or is no longer in service."),
    "30006": _("The number is a landline or cannot be reached by text."),
    "21610": _("The customer has opted out of texts from the shop (they replied STOP)."),
    "30007": _("The carrier filtered the message as spam."),
    "30008": _("The message could not be delivered (unknown error from the carrier)."),
}

# Codes that no retry will change: the message fails at once.
PERMANENT_ERRORS = frozenset({"21211", "21614", "21635", "21610", "21408", "21612", "30005"})


def error_in_words(code: str, fallback: str = "") -> str:
    """The sentence for a provider error code, else ``fallback`` (the provider's words)."""
    if code in PROVIDER_ERRORS:
        return str(PROVIDER_ERRORS[code])
    return fallback or str(_("The text could not be sent (provider error %(code)s).")) % {
        "code": code or "?"
    }
