"""Forms for team members, roles and one's own profile. The team services decide who
may grant what; these only shape the input."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.shop.models import Location
from comptoir.team.models import Access, Role, TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import Language

GRANTABLE_ACCESS = [(Access.FULL.value, Access.FULL.label), (Access.ROLE.value, Access.ROLE.label)]


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Same as the shop")), *Language.choices],
    )
    access = forms.ChoiceField(
        label=_("Access"), choices=GRANTABLE_ACCESS, widget=forms.RadioSelect, initial=Access.ROLE
    )
    role = forms.ModelChoiceField(
        label=_("Role"),
        queryset=Role.objects.none(),
        required=False,
        help_text=_("Needed for a custom role."),
    )
    all_locations = forms.BooleanField(
        label=_("Works at every location"), required=False, initial=True
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only used when the member does not work at every location."),
    )

    def __init__(self, *args: Any, member: TeamMember | None = None, **kwargs: Any) -> None:
        if member is not None:
            kwargs.setdefault(
                "initial",
                {
                    "email": member.user.email,
                    "full_name": member.user.full_name,
                    "language": member.user.language,
                    "access": member.access,
                    "role": member.role,
                    "all_locations": member.all_locations,
                    "locations": list(member.locations.all()),
                },
            )
        super().__init__(*args, **kwargs)
        # Form.fields is typed as plain Fields; these two are the model choice fields above.
        cast("forms.ModelChoiceField[Role]", self.fields["role"]).queryset = Role.objects.order_by(
            "name"
        )
        cast(
            "forms.ModelMultipleChoiceField[Location]", self.fields["locations"]
        ).queryset = Location.objects.order_by("position", "name")
        if member is not None and member.is_owner:
            # The owner's access is fixed; only their own details can change.
            for name in ("access", "role", "all_locations", "locations"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns cleaned_data, but is typed as possibly None
        data = self.cleaned_data
        if data.get("access") == Access.ROLE and "role" in self.fields and not data.get("role"):
            self.add_error("role", _("Choose a role for this member."))
        if (
            "all_locations" in self.fields
            and not data.get("all_locations")
            and not data.get("locations")
            and data.get("access") == Access.ROLE
        ):
            self.add_error(
                "locations", _("Tick at least one location, or “Works at every location”.")
            )
        return data

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes = {
            "email": data["email"],
            "full_name": data["full_name"],
            "language": data["language"],
        }
        if "access" in self.fields:
            changes["access"] = data["access"]
            changes["role"] = data["role"] if data["access"] == Access.ROLE else None
            changes["locations"] = None if data["all_locations"] else list(data["locations"])
        return changes


class NewMemberForm(MemberForm):
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Optional. Without one, the member cannot sign in until a password is set."),
    )

    def changes(self) -> dict[str, Any]:
        changes = super().changes()
        changes["password"] = self.cleaned_data["password"] or None
        return changes


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Dashboard language"), choices=Language.choices)
