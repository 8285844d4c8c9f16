"""Settings of the server the bench measures: the product's own, plus the bench-only
URL of the bare placing view and the middleware that captures one real placement
(``bench.bare``). Loaded by ``bench.server`` only; the product never sees them."""

from comptoir.settings import *  # noqa: F403
from comptoir.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Outermost, so the statements of every other middleware (sessions...) are captured too.
MIDDLEWARE = ["bench.bare.CaptureMiddleware", *MIDDLEWARE]
