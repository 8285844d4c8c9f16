"""Contact details: phone numbers (E.164) and additional emails, the primary of each; the
sign-in email is shown and cannot be changed here."""

from django.urls import reverse

from comptoir.accounts.models import ContactEmail, ContactPhone


def add_phones(client, *numbers) -> list[ContactPhone]:
    """Adds each number through the page, in order; returns the shopper's phones."""
    for number in numbers:
        client.post(reverse("storefront:account_phone_add"), {"number": number})
    return list(ContactPhone.objects.filter(customer=client.customer).order_by("id"))


def add_emails(client, *emails) -> list[ContactEmail]:
    """Adds each email through the page, in order; returns the shopper's additional emails."""
    for email in emails:
        client.post(reverse("storefront:account_email_add"), {"email": email})
    return list(ContactEmail.objects.filter(customer=client.customer).order_by("id"))


def test_the_page_shows_the_sign_in_email_and_says_it_cannot_be_changed_here(
    make_shopper, shopper_client
):
    shopper = make_shopper(email="camille@example.com")

    page = shopper_client(shopper).get(reverse("storefront:account_contact")).content.decode()

    assert "camille@example.com" in page
    assert "to use another email, create a new account" in page


def test_a_phone_number_is_stored_in_e164_and_the_first_is_primary_and_on_the_record(
    make_shopper, shopper_client
):
    shopper = make_shopper()

    shopper_client(shopper).post(
        reverse("storefront:account_phone_add"), {"number": "06 12 34 56 78"}
    )

    phone = ContactPhone.objects.get(customer=shopper)
    assert (phone.number, phone.is_primary) == ("+33612345678", True)
    shopper.refresh_from_db()
    assert shopper.phone == "+33612345678"


def test_an_invalid_phone_number_is_refused_with_what_was_typed(make_shopper, shopper_client):
    shopper = make_shopper()

    response = shopper_client(shopper).post(
        reverse("storefront:account_phone_add"), {"number": "12ab"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "is not a valid phone number" in page
    assert 'value="12ab"' in page
    assert not ContactPhone.objects.exists()


def test_updating_choosing_and_deleting_phone_numbers(make_shopper, shopper_client):
    shopper = make_shopper()
    client = shopper_client(shopper)
    first, second = add_phones(client, "+33612345678", "+33698765432")

    client.post(reverse("storefront:account_phone_primary", args=[second.pk]))
    shopper.refresh_from_db()
    assert shopper.phone == "+33698765432"

    client.post(
        reverse("storefront:account_phone_update", args=[second.pk]),
        {"number": "+33 6 11 22 33 44"},
    )
    shopper.refresh_from_db()
    assert shopper.phone == "+33611223344"

    client.post(reverse("storefront:account_phone_delete", args=[second.pk]))
    first.refresh_from_db()
    shopper.refresh_from_db()
    assert first.is_primary and shopper.phone == "+33612345678"
    assert ContactPhone.objects.filter(customer=shopper).count() == 1


def test_updating_a_phone_with_an_invalid_number_keeps_it(make_shopper, shopper_client):
    shopper = make_shopper()
    client = shopper_client(shopper)
    (phone,) = add_phones(client, "+33612345678")

    response = client.post(
        reverse("storefront:account_phone_update", args=[phone.pk]), {"number": "nope"}
    )

    assert response.status_code == 400
    assert 'value="nope"' in response.content.decode()
    phone.refresh_from_db()
    assert phone.number == "+33612345678"


def test_additional_emails_add_update_primary_and_delete(make_shopper, shopper_client):
    shopper = make_shopper()
    client = shopper_client(shopper)
    work, other = add_emails(client, "work@example.com", "other@example.com")
    assert work.is_primary and not other.is_primary

    client.post(reverse("storefront:account_email_primary", args=[other.pk]))
    client.post(
        reverse("storefront:account_email_update", args=[work.pk]), {"email": "job@example.com"}
    )
    client.post(reverse("storefront:account_email_delete", args=[other.pk]))

    (remaining,) = ContactEmail.objects.filter(customer=shopper)
    assert (remaining.email, remaining.is_primary) == ("job@example.com", True)


def test_the_sign_in_email_and_an_invalid_email_are_refused(make_shopper, shopper_client):
    shopper = make_shopper(email="camille@example.com")
    client = shopper_client(shopper)

    same = client.post(reverse("storefront:account_email_add"), {"email": "Camille@Example.com"})
    invalid = client.post(reverse("storefront:account_email_add"), {"email": "not-an-email"})

    assert "This is already your sign-in email." in same.content.decode()
    assert "Enter a valid email address." in invalid.content.decode()
    assert 'value="not-an-email"' in invalid.content.decode()
    assert not ContactEmail.objects.exists()


def test_updating_an_email_with_an_invalid_one_keeps_it_and_says_so_at_its_row(
    make_shopper, shopper_client
):
    client = shopper_client(make_shopper())
    (contact,) = add_emails(client, "work@example.com")

    response = client.post(
        reverse("storefront:account_email_update", args=[contact.pk]), {"email": "nope"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="email-{contact.pk}-email"' in page and 'value="nope"' in page
    assert "Enter a valid email address." in page
    contact.refresh_from_db()
    assert contact.email == "work@example.com"
