"""The gate in front of account pages: accounts on, signed in, own record only."""

from comptoir.shop.selectors import get_shop


def test_sign_in_url_exists(client, db):
    assert client.get("/account/login/").status_code == 200


def test_sign_in_answers_accounts_unavailable_while_accounts_are_off(client, db):
    shop = get_shop()
    shop.customer_accounts_enabled = False
    shop.save(update_fields=["customer_accounts_enabled"])
    response = client.get("/account/login/")
    assert response.status_code == 404
    assert "Accounts are not available" in response.content.decode()
