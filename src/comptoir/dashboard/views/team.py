"""Team pages (members, roles) and every member's own profile. The team services
decide who may grant what; a refusal shows as a 403 page, an invalid value beside
its field."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.dashboard.access import ANY_STAFF, StaffRequest, staff_view
from comptoir.dashboard.forms.shop import show_errors
from comptoir.dashboard.forms.team import MemberForm, NewMemberForm, ProfileForm, RoleForm
from comptoir.errors import Conflict, InvalidInput
from comptoir.team import selectors, services
from comptoir.team.permissions import Permission


@staff_view(Permission.MANAGE_TEAM)
def team_list(request: StaffRequest) -> HttpResponse:
    return render(request, "dashboard/team/member_list.html", {"members": selectors.team_members()})


@staff_view(Permission.MANAGE_TEAM)
def member_create(request: StaffRequest) -> HttpResponse:
    form = NewMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(actor=request.member, **form.changes())
        except (InvalidInput, Conflict) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("%(name)s joined the team.") % {"name": member})
            return redirect("dashboard:team_list")
    return render(request, "dashboard/team/member_form.html", {"form": form, "person": None})


@staff_view(Permission.MANAGE_TEAM)
def member_edit(request: StaffRequest, pk: int) -> HttpResponse:
    member = selectors.team_member(pk)
    form = MemberForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(actor=request.member, member=member, **form.changes())
        except InvalidInput as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": member})
            return redirect("dashboard:team_list")
    return render(request, "dashboard/team/member_form.html", {"form": form, "person": member})


@staff_view(Permission.MANAGE_TEAM)
@require_POST
def member_deactivate(request: StaffRequest, pk: int) -> HttpResponse:
    member = services.deactivate_member(actor=request.member, member=selectors.team_member(pk))
    messages.success(
        request, _("%(name)s can no longer sign in to the dashboard.") % {"name": member}
    )
    return redirect("dashboard:team_list")


@staff_view(Permission.MANAGE_TEAM)
def role_list(request: StaffRequest) -> HttpResponse:
    return render(request, "dashboard/team/role_list.html", {"roles": selectors.roles()})


@staff_view(Permission.MANAGE_TEAM)
def role_create(request: StaffRequest) -> HttpResponse:
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_role(actor=request.member, **form.cleaned_data)
        except InvalidInput as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Role created."))
            return redirect("dashboard:role_list")
    return render(request, "dashboard/team/role_form.html", {"form": form, "role": None})


@staff_view(Permission.MANAGE_TEAM)
def role_edit(request: StaffRequest, pk: int) -> HttpResponse:
    role = selectors.role(pk)
    form = RoleForm(
        request.POST or None, initial={"name": role.name, "permissions": role.permissions}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_role(actor=request.member, role=role, **form.cleaned_data)
        except InvalidInput as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Role saved."))
            return redirect("dashboard:role_list")
    return render(request, "dashboard/team/role_form.html", {"form": form, "role": role})


@staff_view(Permission.MANAGE_TEAM)
@require_POST
def role_delete(request: StaffRequest, pk: int) -> HttpResponse:
    role = selectors.role(pk)
    try:
        services.delete_role(actor=request.member, role=role)
    except Conflict as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Role “%(name)s” deleted.") % {"name": role.name})
    return redirect("dashboard:role_list")


@staff_view(ANY_STAFF)
def my_profile(request: StaffRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "language": user.language or request.LANGUAGE_CODE,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(actor=request.member, **form.cleaned_data)
        except InvalidInput as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("dashboard:my_profile")
    return render(request, "dashboard/team/profile.html", {"form": form})


def _form_error(form: forms.BaseForm, error: InvalidInput | Conflict) -> None:
    if isinstance(error, InvalidInput):
        show_errors(form, error)
    else:
        form.add_error(None, str(error.message))
