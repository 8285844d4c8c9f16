"""Shared factory_boy factories. Each app's tests add theirs here, one section per app."""

from __future__ import annotations

import factory
from django.utils.text import slugify

from comptoir.catalog.models import Availability, Category, Product
from comptoir.customers.search import search_text_for
from comptoir.shop.models import FulfilmentType, Location
from comptoir.team.models import Access, Role, TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import User

PASSWORD = "correct-horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name", locale="fr_FR")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Boutique {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    address_line1 = "12 rue des Martyrs"
    postal_code = "75009"
    city = "Paris"
    fulfilment_types = factory.LazyFunction(
        lambda: [FulfilmentType.PICKUP.value, FulfilmentType.CURBSIDE.value]
    )


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    name = factory.Sequence(lambda n: f"Role {n}")
    permissions = factory.LazyFunction(list)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    """``TeamMemberFactory(permissions=[...])`` makes a custom-role member with just those."""

    class Meta:
        model = TeamMember
        exclude = ("permissions",)
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    access = Access.ROLE
    permissions: list[Permission] = []
    role = factory.Maybe(
        factory.LazyAttribute(lambda o: o.access == Access.ROLE),
        yes_declaration=factory.SubFactory(
            RoleFactory,
            permissions=factory.LazyAttribute(
                lambda r: [str(p) for p in r.factory_parent.permissions]
            ),
        ),
        no_declaration=None,
    )

    @factory.post_generation
    def locations(self, create, extracted, **kwargs):
        if create and extracted:
            self.all_locations = False
            self.save(update_fields=["all_locations"])
            self.locations.set(extracted)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    name_fr = factory.Sequence(lambda n: f"Croissant {n}")
    name_en = factory.Sequence(lambda n: f"Croissant {n}")
    slug = factory.Sequence(lambda n: f"croissant-{n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = 150


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Availability

    product = factory.SubFactory(ProductFactory)
    location = factory.SubFactory(LocationFactory)
    is_available = True
    stock = None


# --- customers and accounts ----------------------------------------------------------


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Customer"
        skip_postgeneration_save = True

    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = ""
    mobile = ""
    company_name = ""
    # What the customers services store for the directory search.
    search_text = factory.LazyAttribute(
        lambda o: search_text_for(
            first_name=o.first_name,
            last_name=o.last_name,
            email=o.email,
            phone=o.phone,
            mobile=o.mobile,
            company_name=o.company_name,
        )
    )
    # Every record has its spending row, as the customers services create it.
    spending = factory.RelatedFactory(
        "tests.factories.CustomerSpendingFactory", factory_related_name="customer"
    )


class CustomerSpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.CustomerSpending"


class ShopperFactory(CustomerFactory):
    """A customer record with an account (a login attached). Password: PASSWORD."""

    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"), full_name="")
