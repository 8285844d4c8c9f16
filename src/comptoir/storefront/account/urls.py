"""Everything under /account/: sign-in, sign-up and password reset (``auth_urls``) and
the signed-in shopper's own pages (``page_urls``)."""

from comptoir.storefront.account.auth_urls import urlpatterns as auth_patterns
from comptoir.storefront.account.page_urls import urlpatterns as page_patterns

urlpatterns = [*auth_patterns, *page_patterns]
