from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.access import ANY_STAFF, StaffRequest, staff_view
from comptoir.team.access import member_of


class StaffSignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if member_of(user) is None:
            raise forms.ValidationError(
                _("This account has no access to the dashboard."), code="not_staff"
            )


class StaffSignInView(auth_views.LoginView):
    template_name = "dashboard/login.html"
    form_class = StaffSignInForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return "/dashboard/"


class StaffSignOutView(auth_views.LogoutView):
    next_page = "/dashboard/login/"


@staff_view(ANY_STAFF)
def home(request: StaffRequest) -> HttpResponse:
    return render(request, "dashboard/home.html")
