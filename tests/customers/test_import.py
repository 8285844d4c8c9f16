"""CSV import of customer records: create or update by email, line-by-line rejection,
file-level refusal, and the round trip with the export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from comptoir.customers.csv_columns import COLUMNS, Reader
from comptoir.customers.models import (
    AddressRole,
    ConsentSource,
    Customer,
    CustomerAddress,
    CustomerEvent,
    CustomerKind,
    EventKind,
    MarketingConsentChange,
)
from comptoir.customers.services.importing import MAX_ROWS, import_customers
from comptoir.mail.models import OutgoingEmail
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.customers.records import order_for
from tests.factories import CustomerFactory, LocationFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/customers/import/"
EXPORT_URL = "/dashboard/customers/export.csv"


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def upload(client, content: str | bytes, name: str = "customers.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


@pytest.fixture
def manager(staff_client):
    return staff_client(Permission.VIEW_CUSTOMERS, Permission.MANAGE_CUSTOMERS, user__language="en")


def rejected_lines(response) -> dict[int, list[str]]:
    return {
        line.line: [str(reason) for reason in line.reasons]
        for line in response.context["result"].rejected
    }


def test_the_page_offers_an_upload_form_from_the_menu(manager, staff_client):
    response = manager.get(URL)

    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert URL in manager.get("/dashboard/").content.decode()
    viewer = staff_client(Permission.VIEW_CUSTOMERS)
    assert URL not in viewer.get("/dashboard/customers/").content.decode()


def test_import_creates_new_emails_and_updates_existing_ones_ignoring_case(manager):
    helene = CustomerFactory(
        first_name="Hélène", last_name="Martin", email="helene@example.com", phone=""
    )
    text = csv_text(
        [
            ["First name", "Last name", "Email", "Phone"],
            ["Hélène", "Martin-Durand", "HELENE@Example.com", "06 12 34 56 78"],
            ["Paul", "Durand", "paul@example.com", ""],
        ]
    )

    response = upload(manager, text)

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged, result.rejected) == (1, 1, 0, [])
    helene.refresh_from_db()
    assert helene.last_name == "Martin-Durand"
    assert helene.email == "helene@example.com"
    assert helene.phone == "+33612345678"
    assert "martin-durand" in helene.search_text
    paul = Customer.objects.get(email="paul@example.com")
    assert (paul.first_name, paul.last_name, paul.kind) == ("Paul", "Durand", "personal")
    assert Customer.objects.count() == 2
    page = response.content.decode()
    assert 'data-count="created">1<' in page
    assert 'data-count="updated">1<' in page


def test_empty_cells_never_wipe_what_the_record_holds(manager):
    customer = CustomerFactory(
        first_name="Zoé",
        last_name="Lefèvre",
        email="zoe@example.com",
        phone="+33612345678",
        notes="Prefers mornings",
        birth_date=date(1990, 5, 31),
    )
    CustomerAddress.objects.create(
        customer=customer,
        role=AddressRole.BILLING,
        country="FR",
        line1="12 rue des Martyrs",
        postal_code="75009",
        city="Paris",
    )
    text = csv_text(
        [
            ["Email", "First name", "Last name", "Phone", "Notes", "Date of birth", "City"],
            ["zoe@example.com", "", "Lefèvre-Roy", "", "", "", ""],
        ]
    )

    response = upload(manager, text)

    assert response.context["result"].updated == 1
    customer.refresh_from_db()
    assert customer.first_name == "Zoé"
    assert customer.last_name == "Lefèvre-Roy"
    assert customer.phone == "+33612345678"
    assert customer.notes == "Prefers mornings"
    assert customer.birth_date == date(1990, 5, 31)
    billing = customer.record_addresses.get()
    assert (billing.line1, billing.postal_code, billing.city) == (
        "12 rue des Martyrs",
        "75009",
        "Paris",
    )


def test_rejected_lines_are_reported_by_line_number_and_reason_and_the_valid_lines_imported(
    manager,
):
    text = csv_text(
        [
            ["Email", "First name", "Phone", "Postal code", "City", "Address", "Country"],
            ["ok1@example.com", "Anne", "", "", "", "", ""],  # line 2
            ["not-an-email", "Bad", "", "", "", "", ""],  # line 3
            ["ok2@example.com", "Bruno", "", "75009", "Paris", "12 rue des Martyrs", "FR"],
            ["bad-postcode@example.com", "Carl", "", "7500", "Paris", "1 rue X", "FR"],  # 5
            ["", "Nobody", "", "", "", "", ""],  # line 6
            ["bad-phone@example.com", "Dora", "12", "", "Paris", "", ""],  # line 7
            ["ok3@example.com", "Line\nbreak", "", "", "", "", ""],  # lines 8-9
            ["bad-phone-2@example.com", "Eve", "abc", "", "", "", ""],  # line 10
        ]
    )

    response = upload(manager, text)

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated) == (3, 0)
    assert set(Customer.objects.values_list("email", flat=True)) == {
        "ok1@example.com",
        "ok2@example.com",
        "ok3@example.com",
    }
    rejected = rejected_lines(response)
    assert sorted(rejected) == [3, 5, 6, 7, 10]
    assert rejected[3] == ["Email: Enter a valid email address."]
    assert len(rejected[5]) == 1
    assert rejected[5][0].startswith(
        "Billing postal code: This is not a postal code of this country"
    )
    assert rejected[6] == ["An email is needed: the import creates or updates customers by email."]
    assert rejected[7][0].startswith("Phone: “12” is not a valid phone number.")
    # Every reason of a line, not just the first.
    assert any(reason.startswith("Billing address line 1:") for reason in rejected[7])
    page = response.content.decode()
    assert 'data-line="5"' in page
    assert "Enter a valid email address." in page
    assert Customer.objects.get(email="ok2@example.com").record_addresses.get().city == "Paris"


def test_the_same_email_twice_in_a_file_updates_what_the_first_line_saved(manager):
    text = csv_text(
        [
            ["Email", "First name", "Last name"],
            ["twice@example.com", "Jérôme", ""],
            ["Twice@example.com", "", "Bérenger"],
        ]
    )

    result = upload(manager, text).context["result"]

    assert (result.created, result.updated, result.rejected) == (1, 1, [])
    customer = Customer.objects.get()
    assert (customer.first_name, customer.last_name) == ("Jérôme", "Bérenger")


def test_semicolons_a_bom_and_french_headers_are_read(manager):
    text = csv_text(
        [
            [
                "Prénom",
                "Nom",
                "E-mail",
                "Téléphone",
                "Type de client",
                "Nom de l'entreprise",
                "Numéro de TVA",
                "Adresse",
                "Code postal",
                "Ville",
                "Pays",
                "Date de naissance",
                "Accepte les e-mails promotionnels",
                "Langue",
                "Adresse de livraison",
                "Code postal de livraison",
                "Ville de livraison",
                "Remarques",
            ],
            [
                "François",
                "Gérard",
                "francois@example.com",
                "01 42 00 00 00",
                "Entreprise",
                "Boulangerie Gérard, SARL",
                "FR40303265045",
                "12 rue des Martyrs",
                "75009",
                "Paris",
                "France",
                "31/05/1980",
                "oui",
                "Français",
                "3 quai Rambaud",
                "69002",
                "Lyon",
                "Livrer avant 8 h; sonner deux fois",
            ],
        ],
        delimiter=";",
    )

    response = upload(manager, "\ufeff" + text)

    result = response.context["result"]
    assert (result.created, result.rejected, result.ignored_columns) == (1, [], [])
    customer = Customer.objects.get()
    assert (customer.first_name, customer.last_name) == ("François", "Gérard")
    assert customer.email == "francois@example.com"
    assert customer.phone == "+33142000000"
    assert customer.kind == CustomerKind.BUSINESS
    assert customer.company_name == "Boulangerie Gérard, SARL"
    assert customer.vat_id == "FR40303265045"
    assert customer.birth_date == date(1980, 5, 31)
    assert customer.accepts_marketing is True
    assert customer.language == "fr"
    assert customer.notes == "Livrer avant 8 h; sonner deux fois"
    assert customer.shipping_same_as_billing is False
    addresses = {a.role: a for a in customer.record_addresses.all()}
    assert (addresses["billing"].country, addresses["billing"].city) == ("FR", "Paris")
    assert (addresses["shipping"].line1, addresses["shipping"].postal_code) == (
        "3 quai Rambaud",
        "69002",
    )
    assert addresses["shipping"].country == "FR"  # the shop's country, by default


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["oui", "x", "particulier", "2001-02-03"], (True, True, "personal", date(2001, 2, 3))),
        (["no", "0", "business", "03/02/2001"], (False, False, "business", date(2001, 2, 3))),
        (["TRUE", "non", "Entreprise", ""], (True, False, "business", None)),
    ],
)
def test_yes_no_dates_and_customer_types_are_read_in_either_language(manager, typed, expected):
    header = ["Email", "Accepts promotional email", "Pending approval", "Customer type"]
    text = csv_text([[*header, "Date of birth"], ["x@example.com", *typed]])

    result = upload(manager, text).context["result"]

    assert result.created == 1, result.rejected
    customer = Customer.objects.get()
    assert (
        customer.accepts_marketing,
        customer.pending_approval,
        customer.kind,
        customer.birth_date,
    ) == expected


def test_unreadable_yes_no_and_dates_are_reasons(manager):
    text = csv_text(
        [
            ["Email", "Accepts promotional email", "Date of birth", "Customer type"],
            ["x@example.com", "perhaps", "31.05.1990", "alien"],
        ]
    )

    response = upload(manager, text)

    assert rejected_lines(response)[2] == [
        "Accepts promotional email: “perhaps” is not yes or no.",
        "Date of birth: “31.05.1990” is not a date: write it as 1990-05-31 or 31/05/1990.",
        "Customer type: Select a valid choice. alien is not one of the available choices.",
    ]
    assert not Customer.objects.exists()


def test_unknown_columns_are_ignored_and_listed(manager):
    text = csv_text(
        [["Email", "Shoe size", "Favourite cake"], ["x@example.com", "42", "Paris-Brest"]]
    )

    response = upload(manager, text)

    assert response.context["result"].ignored_columns == ["Shoe size", "Favourite cake"]
    assert response.context["result"].created == 1
    assert "Favourite cake" in response.content.decode()


def snapshot() -> dict[int, tuple[dict, list]]:
    """Every column of every record and its addresses, as stored."""
    return {
        customer.pk: (
            {f.attname: getattr(customer, f.attname) for f in Customer._meta.concrete_fields},
            sorted(
                tuple(getattr(address, f.attname) for f in CustomerAddress._meta.concrete_fields)
                for address in customer.record_addresses.all()
            ),
        )
        for customer in Customer.objects.order_by("pk")
    }


def test_round_trip_of_the_export_changes_nothing(manager):
    location = LocationFactory()
    business = CustomerFactory(
        first_name="Agnès",
        initials="M.",
        last_name="Dubœuf",
        email="agnes@example.com",
        phone="+33612345678",
        mobile="+33698765432",
        language="fr",
        gender="female",
        birth_date=date(1985, 1, 2),
        accepts_marketing=True,
        kind=CustomerKind.BUSINESS,
        company_name="=Dubœuf & fils",
        company_id_number="732 829 320 00074",
        chamber_of_commerce_number="RCS Paris 732 829 320",
        vat_id="FR40303265045",
        shipping_same_as_billing=False,
        pending_approval=True,
        notes="- VIP, line one\nline two; with a semicolon, and a comma",
    )
    CustomerAddress.objects.create(
        customer=business,
        role=AddressRole.BILLING,
        country="FR",
        attention="Compta",
        line1="rue des Martyrs",
        house_number="12",
        house_number_extension="bis",
        line2="2e étage",
        postal_code="75009",
        city="Paris",
    )
    CustomerAddress.objects.create(
        customer=business,
        role=AddressRole.SHIPPING,
        country="NL",
        line1="Damrak",
        house_number="1",
        postal_code="1012 LG",
        city="Amsterdam",
    )
    order_for(business, location)
    CustomerFactory(first_name="Paul", last_name="Durand", email="paul@example.com")
    before = snapshot()
    exported = b"".join(manager.get(EXPORT_URL).streaming_content)

    response = upload(manager, exported)

    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 0, 2, [])
    assert result.ignored_columns == [
        "Account",
        "Created",
        "Orders",
        "Total spent",
        "Last order",
        "Location of last order",
    ]
    assert snapshot() == before
    assert not CustomerEvent.objects.exists()
    assert not MarketingConsentChange.objects.exists()


def test_round_trip_of_an_export_in_french(staff_client):
    client = staff_client(
        Permission.VIEW_CUSTOMERS, Permission.MANAGE_CUSTOMERS, user__language="fr"
    )
    CustomerFactory(first_name="Hélène", last_name="Martin", email="helene@example.com")
    exported = b"".join(client.get(EXPORT_URL).streaming_content)
    assert exported.decode().startswith("Prénom,Nom,E-mail")
    edited = exported.decode().replace("Martin", "Martin-Roy")

    result = upload(client, edited).context["result"]

    assert (result.updated, result.rejected) == (1, [])
    assert Customer.objects.get().last_name == "Martin-Roy"


def test_the_timeline_and_the_consent_history_say_import(manager):
    existing = CustomerFactory(email="old@example.com", accepts_marketing=False)
    text = csv_text(
        [
            ["Email", "Accepts promotional email", "Last name"],
            ["new@example.com", "yes", "Neuf"],
            ["old@example.com", "yes", "Ancien"],
        ]
    )

    upload(manager, text)

    new = Customer.objects.get(email="new@example.com")
    created = CustomerEvent.objects.get(customer=new)
    assert created.kind == EventKind.CREATED
    assert created.detail == {"source": "import"}
    assert created.actor == manager.member
    imported = CustomerEvent.objects.get(customer=existing)
    assert imported.kind == EventKind.IMPORTED
    assert imported.detail == {"fields": ["accepts_marketing", "last_name"]}
    consents = MarketingConsentChange.objects.order_by("pk")
    assert [(c.customer_id, c.accepts, c.source, c.changed_by) for c in consents] == [
        (new.pk, True, ConsentSource.IMPORT, manager.member),
        (existing.pk, True, ConsentSource.IMPORT, manager.member),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (csv_text([["Name", "Phone"], ["Anne", "0612345678"]]), "The file has no email column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "This is not a CSV file."),
        ("Email,Nom\nchlo\xe9@example.com,X\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b"", "The submitted file is empty."),
        ("\ufeff\r\n", "The file is empty."),
        ("Email,First name\r\n", "The file has no customer after its first line"),
        (
            "Email\n" + "".join(f"c{n}@example.com\n" for n in range(MAX_ROWS + 1)),
            "The file has more than 20,000 lines",
        ),
        (("Email,Notes\n" + "a@example.com," + "x" * (5 * 1024 * 1024)), "larger than 5 MB"),
    ],
    ids=[
        "no-email-column",
        "binary",
        "not-utf8",
        "zero-bytes",
        "blank",
        "header-only",
        "too-many-lines",
        "too-large",
    ],
)
def test_an_unusable_file_is_refused_whole_and_nothing_is_created(manager, content, message):
    response = upload(manager, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Customer.objects.exists()
    # The upload form is there again.
    assert 'type="file"' in response.content.decode()


def test_a_member_who_only_views_customers_is_refused_and_nothing_is_created(staff_client):
    viewer = staff_client(Permission.VIEW_CUSTOMERS)
    text = csv_text([["Email"], ["x@example.com"]])

    assert viewer.get(URL).status_code == 403
    assert upload(viewer, text).status_code == 403
    assert not Customer.objects.exists()


def test_a_location_limited_member_cannot_update_a_customer_they_cannot_see(staff_client):
    here, elsewhere = LocationFactory(), LocationFactory()
    hidden = CustomerFactory(email="hidden@example.com", last_name="Hidden")
    order_for(hidden, elsewhere)
    client = staff_client(Permission.VIEW_CUSTOMERS, Permission.MANAGE_CUSTOMERS, locations=[here])
    text = csv_text([["Email", "Last name"], ["hidden@example.com", "Changed"]])

    response = upload(client, text)

    assert list(rejected_lines(response)) == [2]
    hidden.refresh_from_db()
    assert hidden.last_name == "Hidden"
    assert not CustomerEvent.objects.exists()


def test_a_company_without_a_customer_type_makes_a_business_customer(manager):
    text = csv_text([["Email", "Company"], ["pro@example.com", "Atelier Zoé"]])

    upload(manager, text)

    customer = Customer.objects.get()
    assert (customer.kind, customer.company_name) == ("business", "Atelier Zoé")


def test_pending_approval_set_to_no_approves_the_customer_as_the_edit_form_does(manager):
    pending = CustomerFactory(email="waiting@example.com", pending_approval=True)
    text = csv_text([["Email", "Pending approval"], ["waiting@example.com", "non"]])

    result = upload(manager, text).context["result"]

    assert result.updated == 1
    pending.refresh_from_db()
    assert pending.pending_approval is False
    assert set(CustomerEvent.objects.values_list("kind", flat=True)) == {
        EventKind.IMPORTED,
        EventKind.APPROVED,
    }
    assert OutgoingEmail.objects.filter(to_address="waiting@example.com").count() == 1


def test_an_import_out_of_time_stops_between_lines_and_says_which_were_not_imported(
    make_member,
):
    text = csv_text([["Email"], ["a@example.com"], ["b@example.com"], ["c@example.com"]])
    owner = make_member(access=Access.OWNER)

    result = import_customers(actor=owner, data=text.encode(), time_budget=0)

    assert (result.created, result.stopped_at_line, result.not_processed) == (1, 3, 2)
    assert list(Customer.objects.values_list("email", flat=True)) == ["a@example.com"]


def test_tab_separated_files_are_read_too(manager):
    text = csv_text([["Email", "First name"], ["tab@example.com", "Tabitha"]], delimiter="\t")

    result = upload(manager, text).context["result"]

    assert (result.created, result.ignored_columns) == (1, [])
    assert Customer.objects.get().first_name == "Tabitha"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_header_the_export_writes_is_read_back_as_its_own_column(language):
    reader = Reader()

    with translation.override(language):
        read = {column.key: reader.column_for(str(column.label)) for column in COLUMNS}

    assert read == {column.key: column.key for column in COLUMNS}


def test_a_line_typed_differently_but_holding_the_same_values_is_unchanged(manager):
    customer = CustomerFactory(
        email="same@example.com", first_name="Zoé", phone="+33612345678", accepts_marketing=True
    )
    text = csv_text(
        [
            ["E-mail", "Prénom", "Téléphone", "Newsletter"],
            ["SAME@example.com", "Zoé", "06 12 34 56 78", "x"],
        ]
    )

    result = upload(manager, text).context["result"]

    assert (result.unchanged, result.updated, result.rejected) == (1, 0, [])
    customer.refresh_from_db()
    assert (customer.email, customer.phone) == ("same@example.com", "+33612345678")
    assert not CustomerEvent.objects.exists()
