"""The owner (who signs in for the dashboard scenarios), roles, and members of every
kind: full access, each custom role, some limited to one location."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from bench.bulk import insert
from bench.generate import register
from comptoir.shop.models import Location
from comptoir.team.models import Access, Role, TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import User

OWNER_EMAIL = "owner@bench.example.com"
OWNER_PASSWORD = "bench-owner-1234"
MEMBER_PASSWORD = "bench-member-1234"
MEMBERS_AT_FULL_SCALE = 500

ROLES = {
    "Barista": [Permission.VIEW_ORDERS, Permission.MANAGE_ORDERS],
    "Catalogue": [Permission.MANAGE_CATALOG],
    "Service client": [Permission.VIEW_CUSTOMERS, Permission.MESSAGE_CUSTOMERS],
    "Gérance": [
        Permission.MANAGE_ORDERS,
        Permission.MANAGE_CUSTOMERS,
        Permission.MANAGE_CATALOG,
        Permission.MANAGE_GIFT_CARDS,
    ],
}


def member_count(scale: float) -> int:
    return max(8, round(MEMBERS_AT_FULL_SCALE * scale))


# Users are not listed as filled: customers (a later generator) are users too.
@register("staff", fills=("team.Role", "team.TeamMember"), after=("shop",))
def fill(scale: float, using: str) -> dict[str, int]:
    rng = random.Random(f"staff-{scale}")
    owner = User.objects.db_manager(using).create_user(
        OWNER_EMAIL, OWNER_PASSWORD, full_name="Bench Owner", language="en"
    )
    TeamMember.objects.using(using).create(user=owner, access=Access.OWNER)

    insert(
        Role,
        (
            Role(name=name, permissions=[str(p) for p in permissions])
            for name, permissions in ROLES.items()
        ),
        using=using,
        total=len(ROLES),
        desc="roles",
    )
    role_ids = list(Role.objects.using(using).order_by("id").values_list("id", flat=True))

    count = member_count(scale)
    # Hashing once: Argon2 per member would dominate the run at large scales.
    password = make_password(MEMBER_PASSWORD)
    insert(
        User,
        (
            User(
                email=f"member{i + 1}@bench.example.com",
                full_name=f"Member {i + 1}",
                password=password,
                language=rng.choice(["fr", "en", ""]),
            )
            for i in range(count)
        ),
        using=using,
        total=count,
        desc="staff users",
    )
    user_ids = list(
        User.objects.using(using)
        .filter(email__startswith="member", email__endswith="@bench.example.com")
        .order_by("id")
        .values_list("id", flat=True)
    )
    location_ids = list(Location.objects.using(using).order_by("id").values_list("id", flat=True))

    members, limited_to = [], {}
    for i, user_id in enumerate(user_ids):
        # Every fifth member has full access; the others cycle through the roles and
        # every other one of those works at a single location.
        if i % 5 == 0:
            members.append(TeamMember(user_id=user_id, access=Access.FULL))
            continue
        one_location = i % 2 == 1 and bool(location_ids)
        members.append(
            TeamMember(
                user_id=user_id,
                access=Access.ROLE,
                role_id=role_ids[i % len(role_ids)],
                all_locations=not one_location,
            )
        )
        if one_location:
            limited_to[user_id] = location_ids[i % len(location_ids)]
    insert(TeamMember, members, using=using, total=len(members), desc="team members")

    member_ids = dict(
        TeamMember.objects.using(using).filter(user_id__in=limited_to).values_list("user_id", "id")
    )
    Through = TeamMember.locations.through
    links = [
        Through(teammember_id=member_ids[user_id], location_id=location_id)
        for user_id, location_id in limited_to.items()
    ]
    insert(Through, links, using=using, total=len(links), desc="member locations")
    return {"owner": 1, "roles": len(ROLES), "members": len(members)}
