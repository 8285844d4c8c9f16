"""Staff: the owner, full-access members, and members with a custom role, each
optionally limited to some locations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.team.permissions import Permission, expand


class Role(models.Model):
    """A named set of permissions, e.g. "Barista" = view orders + manage orders."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")

    def __str__(self) -> str:
        return self.name

    @property
    def permission_labels(self) -> list[str]:
        return [
            str(Permission(code).label) for code in self.permissions if code in Permission.values
        ]


class Access(models.TextChoices):
    OWNER = "owner", _("Owner")
    FULL = "full", _("Full access")
    ROLE = "role", _("Custom role")


class TeamMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_member"
    )
    access = models.CharField(
        _("access"), max_length=8, choices=Access.choices, default=Access.ROLE
    )
    role = models.ForeignKey(
        Role,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("role"),
    )
    all_locations = models.BooleanField(_("all locations"), default=True)
    locations = models.ManyToManyField(
        "shop.Location", blank=True, related_name="team_members", verbose_name=_("locations")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        constraints = [
            models.UniqueConstraint(
                fields=["access"], condition=models.Q(access="owner"), name="team_single_owner"
            ),
            models.CheckConstraint(
                condition=~models.Q(access="role") | models.Q(role__isnull=False),
                name="team_role_member_has_role",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_owner(self) -> bool:
        return self.access == Access.OWNER

    @property
    def has_full_access(self) -> bool:
        return self.access in (Access.OWNER, Access.FULL)

    @property
    def permissions(self) -> set[Permission]:
        if not self.is_active:
            return set()
        if self.has_full_access:
            return set(Permission)
        return expand(set(self.role.permissions)) if self.role else set()

    def has_permission(self, permission: Permission | str) -> bool:
        return Permission(permission) in self.permissions
