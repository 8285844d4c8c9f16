"""/account/ sign-in, sign-out, sign-up and password reset. Names are used as
``storefront:<name>``; ``account_login`` must stay at /account/login/."""

from django.urls import path

from comptoir.storefront.account import auth_views

urlpatterns = [
    path("login/", auth_views.sign_in, name="account_login"),
]
