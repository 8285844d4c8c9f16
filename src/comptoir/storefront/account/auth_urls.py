"""/account/ sign-in, sign-out, sign-up and password reset. Names are used as
``storefront:<name>``; ``account_login`` must stay at /account/login/."""

from django.urls import path

from comptoir.storefront.account import auth_views, invitation_views

urlpatterns = [
    path("login/", auth_views.sign_in, name="account_login"),
    path("logout/", auth_views.sign_out, name="account_logout"),
    path("signup/", auth_views.sign_up, name="account_signup"),
    path("password/forgot/", auth_views.forgot_password, name="account_password_forgot"),
    path(
        "password/forgot/sent/",
        auth_views.forgot_password_sent,
        name="account_password_forgot_sent",
    ),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        auth_views.reset_password,
        name="account_password_reset",
    ),
    path("invitation/<str:token>/", invitation_views.accept, name="account_invitation"),
]
