"""Customer records and shopper accounts: 200,000 customers at the target scale, one in
five with a login (``users.User`` attached by ``Customer.user``), a few known only by
phone. Two accounts are named so the history scenario can sign in as them: one with
about twenty orders placed while signed in, one with many (the orders generator gives
them their orders)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bench.bulk import foreign_keys_checked_once, insert_values, next_id, reset_sequences
from bench.generate import register
from comptoir.customers.models import Customer, CustomerSpending
from comptoir.customers.search import search_text_for
from comptoir.users.models import User

CUSTOMERS_AT_FULL_SCALE = 200_000
ACCOUNT_EVERY = 5  # one customer in five has a login
PHONE_ONLY_EVERY = 40  # counter customers known by their phone number alone
BUSINESS_EVERY = 10  # business customers, with a company name
PENDING_EVERY = 500  # accounts pending the shop's approval
COMPANY_WORDS = ["Boulangerie", "Café", "Épicerie", "Atelier", "Maison", "Société", "Bistrot"]

# The two accounts the history scenario signs in as (see the orders generator).
HISTORY_EMAIL = "history@bench.example.com"
REGULAR_EMAIL = "regular@bench.example.com"
CUSTOMER_PASSWORD = "bench-customer-1234"

FIRST_NAMES = [
    "Camille",
    "Louise",
    "Jules",
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Nathan",
    "Inès",
    "Arthur",
    "Zoé",
    "Sacha",
    "Emma",
    "Noah",
    "Alice",
    "Hélène",
    "Agnès",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "Roux",
    "Lefèvre",
    "Bérenger",
]


def customer_count(scale: float) -> int:
    return max(50, round(CUSTOMERS_AT_FULL_SCALE * scale))


def has_account(index: int) -> bool:
    """Customer 0 is the history account, 5 the regular one, then every fifth."""
    return index % ACCOUNT_EVERY == 0


def email_of(index: int) -> str | None:
    if index == 0:
        return HISTORY_EMAIL
    if index == ACCOUNT_EVERY:
        return REGULAR_EMAIL
    if index % PHONE_ONLY_EVERY == 3:
        return None
    return f"customer{index + 1}@bench.example.com"


@register("customers", fills=("customers.Customer", "customers.CustomerSpending"), after=("staff",))
def fill(scale: float, using: str) -> dict[str, int]:
    rng = random.Random(f"customers-{scale}")
    count = customer_count(scale)
    now = timezone.now()
    first_customer = next_id(Customer, using)
    first_user = next_id(User, using)
    # One hash for every shopper: Argon2 per account would dominate the run.
    password = make_password(CUSTOMER_PASSWORD)

    accounts = [index for index in range(count) if has_account(index)]
    user_of = {index: first_user + n for n, index in enumerate(accounts)}
    joined = {index: now - datetime.timedelta(days=rng.uniform(30, 900)) for index in accounts}
    # The named accounts are older than any of their generated orders (two years).
    for index in (0, ACCOUNT_EVERY):
        joined[index] = now - datetime.timedelta(days=800)

    names = [(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for _ in range(count)]
    languages = [rng.choice(("fr", "fr", "en", "")) for _ in range(count)]
    users = insert_values(
        User,
        (
            "id",
            "email",
            "password",
            "full_name",
            "language",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
            "last_login",
        ),
        (
            (
                user_of[index],
                email_of(index),
                password,
                f"{names[index][0]} {names[index][1]}",
                languages[index],
                True,
                False,
                False,
                joined[index],
                None,
            )
            for index in accounts
        ),
        using=using,
        total=len(accounts),
        desc="shopper accounts",
    )
    with foreign_keys_checked_once([Customer, CustomerSpending], using=using):
        customers = insert_values(
            Customer,
            (
                "id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "language",
                "user_id",
                "account_deleted_at",
                "created_at",
                "updated_at",
                "search_text",
                "kind",
                "company_name",
                "accepts_marketing",
                "pending_approval",
            ),
            _customers(rng, count, first_customer, names, languages, user_of, joined, now),
            using=using,
            total=count,
            desc="customers",
        )
        # Every record has its spending row (the orders generator counts the orders).
        insert_values(
            CustomerSpending,
            ("customer_id",),
            ((first_customer + index,) for index in range(count)),
            using=using,
            total=count,
            desc="customer spending",
        )
    reset_sequences([User, Customer], using=using)
    return {"customers": customers, "accounts": users}


def _customers(
    rng: random.Random,
    count: int,
    first_id: int,
    names: list[tuple[str, str]],
    languages: list[str],
    user_of: dict[int, int],
    joined: dict[int, datetime.datetime],
    now: datetime.datetime,
) -> Iterator[tuple]:
    for index in range(count):
        email = email_of(index)
        # French mobile numbers in E.164, distinct per customer.
        phone = f"+336{10_000_000 + index:08d}" if email is None or rng.random() < 0.5 else ""
        created = joined.get(index) or now - datetime.timedelta(days=rng.uniform(1, 900))
        business = index % BUSINESS_EVERY == 7
        company = f"{rng.choice(COMPANY_WORDS)} {names[index][1]} {index}" if business else ""
        yield (
            first_id + index,
            names[index][0],
            names[index][1],
            email,
            phone,
            languages[index],
            user_of.get(index),
            None,
            created,
            created,
            # What the customers services store for the directory search.
            search_text_for(
                first_name=names[index][0],
                last_name=names[index][1],
                email=email,
                phone=phone,
                company_name=company,
            ),
            "business" if business else "personal",
            company,
            rng.random() < 0.3,
            index in user_of and index % PENDING_EVERY == 5 + ACCOUNT_EVERY,
        )
