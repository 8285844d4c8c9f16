"""The merchant imports customers from a CSV file: each line creates a record or updates
the one with the same email (ignoring case), validated exactly as the record form
(customers.forms) and saved through create_customer / update_customer with the source
"import" (so the timeline and the consent history say so).

Each line is saved in its own transaction: the valid lines are imported even when
others are rejected, and each rejected line is reported with its line number in the
file (the header is line 1) and every reason. A file that cannot be read as a whole
(not UTF-8 text, no email column, empty, too large, too many lines) is refused before
any line is saved. An import given a time budget (the web page's) stops between two
lines once it is spent and says from which line nothing was imported.

Decisions:
- A line without an email is rejected: the import creates or updates by email.
- An empty cell never wipes what the record holds (an import cannot clear a field).
- The same email on two lines: the later line updates what the earlier one saved.
- A line that fills a company cell without saying the customer type makes (or turns
  the record into) a business customer, rather than dropping the company silently.
- A line that fills a shipping address cell without saying "shipping same as billing"
  gives the record its own shipping address; otherwise shipping stays as it was (the
  billing address for a new record).
- A line whose values are those the record already holds changes nothing and is
  counted as unchanged (an export imported again changes nothing).
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.forms import BaseForm
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from comptoir.customers.csv_columns import COLUMN_BY_KEY, CellError, Reader
from comptoir.customers.forms import (
    ADDRESS_FIELDS,
    COMPANY_FIELDS,
    RECORD_FIELDS,
    CustomerRecordForm,
    RecordAddressForm,
)
from comptoir.customers.models import (
    AddressRole,
    ConsentSource,
    Customer,
    CustomerAddress,
    CustomerKind,
)
from comptoir.customers.selectors import customer_by_email, customer_for_staff
from comptoir.customers.services.records import create_customer, update_customer
from comptoir.errors import Conflict, DomainError, NotFound
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require, visible_location_ids
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
DELIMITERS = (",", ";", "\t")
LOOKUP_CHUNK = 500


class ImportFileError(DomainError):
    """The file as a whole cannot be imported; nothing was saved."""

    code = "unusable_import_file"
    status = 400


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Reason:
    field: str  # the column's label, "" for the line as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass(frozen=True)
class RejectedLine:
    line: int  # in the file, the header being line 1
    email: str
    reasons: list[Reason]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedLine] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Set when the time budget ran out: the first line not imported, and how many were not.
    stopped_at_line: int | None = None
    not_processed: int = 0

    @property
    def imported(self) -> int:
        return self.created + self.updated

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)


@dataclass(frozen=True)
class CustomerTable:
    """The file read: each line's non-empty cells by column key."""

    lines: list[tuple[int, dict[str, str]]]
    ignored_columns: list[str]


def import_customers(
    *, actor: TeamMember, data: bytes, time_budget: float | None = None
) -> ImportResult:
    """Create or update a record per line of the CSV ``data``. Raises ImportFileError
    (nothing saved) when the file cannot be used. With ``time_budget`` (seconds), stops
    between two lines once it is spent and says from which line nothing was imported (a
    web request must answer before its worker is stopped; each line costs some 5 to 10 ms)."""
    deadline = None if time_budget is None else time.monotonic() + time_budget
    require(actor, Permission.MANAGE_CUSTOMERS)
    reader = Reader()
    table = read_customer_table(data, reader)
    line = _Line(
        actor=actor,
        reader=reader,
        region=get_shop().country,
        sees_everyone=visible_location_ids(actor) is None,
    )
    result = ImportResult(ignored_columns=table.ignored_columns)
    seen: set[str] = set()
    for start in range(0, len(table.lines), LOOKUP_CHUNK):
        chunk = table.lines[start : start + LOOKUP_CHUNK]
        # The records of a chunk's emails in one query (with their addresses); an email
        # seen on an earlier line is read again, as that line may have saved it.
        emails = {values.get("email", "").lower() for _line, values in chunk} - seen - {""}
        known = _customers_by_email(emails)
        for index, (number, values) in enumerate(chunk):
            if deadline is not None and result.processed and time.monotonic() > deadline:
                result.stopped_at_line = number
                result.not_processed = len(table.lines) - start - index
                return result
            email = values.get("email", "").lower()
            if email in seen:
                existing = _customers_by_email({email}).get(email)
            else:
                existing = known.get(email)
            seen.add(email)
            outcome, reasons = line.run(values, existing)
            if outcome == Outcome.REJECTED:
                result.rejected.append(RejectedLine(number, values.get("email", ""), reasons))
            else:
                setattr(result, outcome.value, getattr(result, outcome.value) + 1)
    return result


def _customers_by_email(emails: set[str]) -> dict[str, Customer]:
    """Records by lower-cased email, addresses prefetched."""
    if not emails:
        return {}
    # The conditions of the partial unique index on lower(email) (selectors.customer_by_email).
    customers = (
        Customer.objects.alias(email_ci=Lower("email"))
        .filter(email_ci__in=emails, email__isnull=False)
        .exclude(email="")
        .prefetch_related("record_addresses")
    )
    return {(customer.email or "").lower(): customer for customer in customers}


# --- reading the file ---------------------------------------------------------------


def read_customer_table(data: bytes, reader: Reader) -> CustomerTable:
    """The lines of ``data`` (UTF-8, BOM or not; comma, semicolon or tab separated, told
    by the header). Raises ImportFileError."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB: split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if b"\x00" in data:
        raise ImportFileError(_("This is not a CSV file. Save the sheet as “CSV UTF-8”."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not UTF-8 text. Save the sheet as “CSV UTF-8” and import it again.")
        ) from None
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    header_line = text.splitlines()[0]
    delimiter = max(
        DELIMITERS,
        key=lambda d: (
            sum(reader.column_for(h) is not None for h in _split(header_line, d)),
            len(_split(header_line, d)),
        ),
    )
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows)
        columns: dict[int, str] = {}
        ignored: list[str] = []
        for index, name in enumerate(header):
            key = reader.column_for(name)
            if key is None or key in columns.values():
                if name.strip():
                    ignored.append(name.strip())
            else:
                columns[index] = key
        if "email" not in columns.values():
            raise ImportFileError(
                _(
                    "The file has no email column (“Email” or “E-mail” in its first line): "
                    "the import creates or updates customers by email."
                )
            )
        lines: list[tuple[int, dict[str, str]]] = []
        line = rows.line_num + 1
        for row in rows:
            values = {
                key: row[index].strip()
                for index, key in columns.items()
                if index < len(row) and row[index].strip()
            }
            if any(cell.strip() for cell in row):
                lines.append((line, values))
                if len(lines) > MAX_ROWS:
                    raise ImportFileError(
                        _("The file has more than %(count)s lines: split it into smaller files.")
                        % {"count": f"{MAX_ROWS:,}"}
                    )
            line = rows.line_num + 1
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)s cannot be read as CSV (%(error)s).")
            % {"line": rows.line_num, "error": error}
        ) from None
    if not lines:
        raise ImportFileError(_("The file has no customer after its first line (the header)."))
    return CustomerTable(lines=lines, ignored_columns=ignored)


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


# --- one line -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    actor: TeamMember
    reader: Reader
    region: str  # the shop's country: phones without a country code, default address country
    sees_everyone: bool

    def run(
        self, values: dict[str, str], existing: Customer | None
    ) -> tuple[Outcome, list[Reason]]:
        if not values.get("email"):
            return Outcome.REJECTED, [
                Reason(
                    "", _("An email is needed: the import creates or updates customers by email.")
                )
            ]
        if existing is not None and not self._sees(existing):
            return Outcome.REJECTED, [
                Reason(
                    _label("email"),
                    _(
                        "A customer with this email exists but is not among the customers "
                        "you can see (none of their orders is at your locations)."
                    ),
                )
            ]
        cells: dict[str, str] = {}
        reasons: list[Reason] = []
        for key, text in values.items():
            try:
                cells[key] = self.reader.cell(key, text)
            except CellError as error:
                reasons.append(Reason(_label(key), str(error)))
        try:
            with transaction.atomic():
                outcome, form_reasons = self._save(cells, existing, ok=not reasons)
        except IntegrityError:
            # Another import or a checkout took the email between the check and the save
            # (the unique index on lower(email) refused it); any other error is a bug.
            other = customer_by_email(cells["email"])
            if other is None or (existing is not None and other.pk == existing.pk):
                raise
            return Outcome.REJECTED, [
                *reasons,
                Reason(_label("email"), _("Another customer already has this email address.")),
            ]
        except Conflict:
            return Outcome.REJECTED, [
                *reasons,
                Reason(
                    "",
                    _(
                        "Someone changed this customer during the import: nothing was "
                        "changed by this line, import it again."
                    ),
                ),
            ]
        except DomainError as error:
            return Outcome.REJECTED, [*reasons, Reason("", str(error.message))]
        return outcome, reasons + form_reasons

    def _sees(self, customer: Customer) -> bool:
        if self.sees_everyone:
            return True
        try:
            customer_for_staff(self.actor, customer.pk)
        except NotFound:
            return False
        return True

    def _save(
        self, cells: dict[str, str], existing: Customer | None, *, ok: bool
    ) -> tuple[Outcome, list[Reason]]:
        """Validate the line's cells merged over the record's values; save if valid."""
        customer = existing or Customer()
        addresses = (
            {address.role: address for address in existing.record_addresses.all()}
            if existing
            else {}
        )
        before = {name: getattr(customer, name) for name in RECORD_FIELDS}
        read_at = customer.updated_at
        record_data = _record_data(customer)
        address_data = {
            role: _address_data(addresses.get(role), prefix=role, default_country=self.region)
            for role in AddressRole.values
        }
        for key, value in cells.items():
            role, _sep, name = key.partition("_")
            if role in AddressRole.values and name in ADDRESS_FIELDS:
                address_data[role][f"{role}-{name}"] = value
            else:
                record_data[key] = value
        if "kind" not in cells and any(cells.get(name) for name in COMPANY_FIELDS):
            record_data["kind"] = CustomerKind.BUSINESS
        if "shipping_same_as_billing" not in cells and any(
            cells.get(f"shipping_{name}") for name in ADDRESS_FIELDS if name != "country"
        ):
            record_data["shipping_same_as_billing"] = "false"
        if existing is not None and ok and _holds(existing, addresses, record_data, address_data):
            # Nothing to save, so nothing to check: a file imported again goes fast.
            return Outcome.UNCHANGED, []

        record = CustomerRecordForm(
            record_data,
            instance=customer,  # the form writes the cleaned values on it: compare to before
            region=self.region,
            billing_country=address_data["billing"]["billing-country"],
            member=self.actor,
        )
        forms: dict[str, RecordAddressForm] = {}
        for role in AddressRole.values:
            if role == AddressRole.SHIPPING and record_data["shipping_same_as_billing"] == "true":
                continue  # not saved, so not checked
            forms[role] = RecordAddressForm(
                address_data[role],
                prefix=role,
                instance=addresses.get(role),
                default_country=self.region,
            )
        reasons = _reasons(record, "") + [
            reason for role, form in forms.items() for reason in _reasons(form, f"{role}_")
        ]
        if reasons or not ok:
            return Outcome.REJECTED, reasons

        fields: dict[str, Any] = {name: record.cleaned_data[name] for name in RECORD_FIELDS}
        if (before["email"] or "").lower() == fields["email"]:
            fields["email"] = before["email"]  # an import never changes an email's case
        billing = forms["billing"].values()
        shipping = None if fields["shipping_same_as_billing"] else forms["shipping"].values()
        if existing is None:
            create_customer(
                actor=self.actor,
                fields=fields,
                billing=billing,
                shipping=shipping,
                source=ConsentSource.IMPORT,
            )
            return Outcome.CREATED, []
        wanted = {AddressRole.BILLING: billing, AddressRole.SHIPPING: shipping}
        if fields == before and all(
            _address_values(addresses.get(role)) == values for role, values in wanted.items()
        ):
            return Outcome.UNCHANGED, []
        update_customer(
            actor=self.actor,
            customer_id=existing.pk,
            fields=fields,
            billing=billing,
            shipping=shipping,
            source=ConsentSource.IMPORT,
            expected_updated_at=read_at,  # read before this line: not overwritten blindly
        )
        return Outcome.UPDATED, []


def _holds(
    customer: Customer,
    addresses: dict[str, CustomerAddress],
    record_data: dict[str, str],
    address_data: dict[str, dict[str, str]],
) -> bool:
    """Whether the line's values, as the forms would receive them, are the record's."""
    current = _record_data(customer)
    if record_data["email"].lower() == current["email"].lower():
        current["email"] = record_data["email"]
    if record_data != current:
        return False
    for role, data in address_data.items():
        address = addresses.get(role)
        if address is not None:
            if data != _address_data(address, prefix=role, default_country=""):
                return False
        elif any(value for key, value in data.items() if not key.endswith("-country")):
            return False
    return True


def _reasons(form: BaseForm, prefix: str) -> list[Reason]:
    if form.is_valid():
        return []
    return [
        Reason(_label(f"{prefix}{name}") if name != "__all__" else "", str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]


def _label(key: str) -> str:
    column = COLUMN_BY_KEY.get(key)
    return capfirst(str(column.label)) if column else key


def _form_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _record_data(customer: Customer) -> dict[str, str]:
    """The record's current values as the record form would post them."""
    return {name: _form_value(getattr(customer, name)) for name in RECORD_FIELDS}


def _address_data(
    address: CustomerAddress | None, *, prefix: str, default_country: str
) -> dict[str, str]:
    values = _address_values(address) or {"country": default_country}
    return {f"{prefix}-{name}": values.get(name, "") for name in ADDRESS_FIELDS}


def _address_values(address: CustomerAddress | None) -> dict[str, str] | None:
    if address is None:
        return None
    return {name: getattr(address, name) for name in ADDRESS_FIELDS}
