"""Settings of the server the bench measures: the product's own, plus the bench-only
URL of the bare placing view and the middleware that captures one real placement
(``bench.bare``), and the Twilio auth token the ``inbound_sms`` scenario signs with when
the environment gives none. Loaded by ``bench.server`` only; the product never sees them."""

from bench.flows import BENCH_TWILIO_AUTH_TOKEN
from comptoir.settings import *  # noqa: F403
from comptoir.settings import MIDDLEWARE, TWILIO_AUTH_TOKEN

ROOT_URLCONF = "bench.urls"
# Outermost, so the statements of every other middleware (sessions...) are captured too.
MIDDLEWARE = ["bench.bare.CaptureMiddleware", *MIDDLEWARE]
TWILIO_AUTH_TOKEN = TWILIO_AUTH_TOKEN or BENCH_TWILIO_AUTH_TOKEN
