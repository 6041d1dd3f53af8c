"""The record of processing (GDPR art. 30): what each kind of item in the table is for.

Every kind of item (``store.models``) declares ``PROCESSING`` where it is defined, beside its ``KEYS``: its
purpose, legal basis, data subjects, categories of data, recipients and retention. ``allavie gdpr register``
writes the clinic's register from these declarations, and ``tests/unit/test_processing_register.py`` fails
when a kind has none (``declared`` raises ``Undeclared`` naming it). Pure data: nothing at run time reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Basis(Enum):
    """A legal basis: GDPR art. 6.1 (and art. 9.2 for health data)."""

    CONSENT = ("art. 6.1 a", "samtycke", "consent")
    CONTRACT = ("art. 6.1 b", "fullgörande av avtal", "performance of a contract")
    LEGAL_OBLIGATION = ("art. 6.1 c", "rättslig förpliktelse", "legal obligation")
    LEGITIMATE_INTEREST = ("art. 6.1 f", "berättigat intresse", "legitimate interest")
    HEALTH_CONSENT = ("art. 9.2 a", "uttryckligt samtycke till hälsouppgifter", "explicit consent to health data")
    LEGAL_CLAIMS = ("art. 9.2 f", "hälsouppgifter för att fastställa, göra gällande eller försvara rättsliga anspråk",
                    "health data to establish, exercise or defend legal claims")

    def __init__(self, article: str, sv: str, en: str) -> None:
        self.article, self.sv, self.en = article, sv, en


class Subject(Enum):
    """Whose data it is."""

    CUSTOMERS = ("kunder", "customers")
    STAFF = ("klinikens personal", "the clinic's staff")
    VISITORS = ("besökare på webbplatsen", "visitors of the website")

    def __init__(self, sv: str, en: str) -> None:
        self.sv, self.en = sv, en


class Data(Enum):
    """A category of personal data."""

    NAME = ("namn", "name")
    CONTACT = ("kontaktuppgifter (e-post, telefon)", "contact details (e-mail, phone)")
    CUSTOMER_IDS = ("kund- och boknings-id", "customer and booking ids")
    BOOKING = ("boknings- och besöksuppgifter (behandling, tid, personal, status, uteblivna besök)",
               "booking and visit details (treatment, time, staff, status, missed visits)")
    NOTE = ("anteckningar kunden själv skriver", "notes the customer writes")
    HEALTH = ("hälsouppgifter (i anteckningar och foton av huden)", "health data (in notes and photos of the skin)")
    PHOTOS = ("foton kunden laddar upp", "photos the customer uploads")
    TREATMENT_CHECKS = ("ålderskontroll, samtycke och betänketid vid behandling (vem i personalen, när)",
                        "age check, consent and cooling-off period of a treatment (which staff member, when)")
    PAYMENT = ("betalningsuppgifter (belopp, Stripe-referenser)", "payment details (amounts, Stripe references)")
    ACCOUNTING = ("bokföringsuppgifter (belopp, moms, datum, behandling, kvittonummer)",
                  "accounting records (amount, VAT, date, treatment, receipt number)")
    MARKETING = ("val av kanaler för erbjudanden och bevis om samtycke", "marketing choices and proof of consent")
    MESSAGES = ("meddelanden till kunden (kanal, mottagare, ämne, innehåll tills det skickats)",
                "messages to the customer (channel, recipient, subject, content until sent)")
    COMPLAINT = ("reklamationer (kundens och klinikens meddelanden, utfall)",
                 "complaints (the customer's and the clinic's messages, outcome)")
    ACCESS_LOG = ("vem i personalen som sett kundens uppgifter och när", "which staff member saw the data and when")
    NETWORK_HASH = ("nyckelhash av e-postadress eller nätverksadress (kan inte läsas tillbaka)",
                    "keyed hash of an e-mail or network address (cannot be read back)")
    STAFF_ID = ("personalens id och e-post", "staff id and e-mail")
    STAFF_TIME = ("personalens blockerade tid (t.ex. frånvaro) och orsak", "staff's blocked time (e.g. absence) and reason")
    SIGN_IN = ("inloggning (hashade länkar, sessioner och nycklar, felaktiga koder)",
               "sign-in (hashed links, sessions and keys, wrong codes)")
    COOKIE_CHOICE = ("slumpat id, cookieval och policyversion", "random id, cookie choices and policy version")

    def __init__(self, sv: str, en: str) -> None:
        self.sv, self.en = sv, en


class Recipient(Enum):
    """Who the data is disclosed to: the clinic's staff and its processors; ``transfer`` names a third country."""

    STAFF = ("klinikens personal", "the clinic's staff", "Sverige", "")
    CALENDAR = ("personalens kalenderapp (kalenderflödet: förnamn och behandling)",
                "staff's calendar app (the feed: first name and treatment)", "den tjänst personalen väljer", "")
    DYNAMODB = ("Amazon Web Services (DynamoDB, databasen)", "Amazon Web Services (DynamoDB, the database)",
                "EU (eu-north-1, Stockholm)", "")
    SES = ("Amazon Web Services (SES, e-post)", "Amazon Web Services (SES, e-mail)", "EU (eu-north-1, Stockholm)", "")
    SNS = ("Amazon Web Services (SNS, sms)", "Amazon Web Services (SNS, SMS)", "EU (eu-north-1, Stockholm)", "")
    S3 = ("Amazon Web Services (S3, foton)", "Amazon Web Services (S3, photos)", "EU (eu-north-1, Stockholm)", "")
    STRIPE = ("Stripe (betalningar)", "Stripe (payments)", "EU (Irland)",
              "USA (Stripe, Inc.; EU–USA Data Privacy Framework och standardavtalsklausuler)")

    def __init__(self, sv: str, en: str, where: str, transfer: str) -> None:
        self.sv, self.en, self.where, self.transfer = sv, en, where, transfer


@dataclass(frozen=True)
class Period:
    """How long the data is kept (the code that deletes it is named in each model's docstring)."""

    sv: str
    en: str


# The notice's promise, carried by everything in a customer's partition (retention.dates, retention.expiry).
WITH_THE_CUSTOMER = Period(
    "36 månader efter senaste besöket (efter en avslutad reklamation, om det är senare); sedan raderas allt "
    "om kunden på en gång",
    "36 months after the last visit (after a closed complaint, if later); then all of the customer's data goes "
    "at once")
BOOKKEEPING = Period("till slutet av det sjunde året efter räkenskapsåret (7 år, bokföringslagen 7 kap. 2 §)",
                     "to the end of the seventh year after its year (7 years, the Swedish Bookkeeping Act)")


@dataclass(frozen=True)
class Processing:
    """One kind of item's entry in the register. ``categories`` empty: the item holds no personal data."""

    purpose_sv: str
    purpose_en: str
    legal_basis: tuple[Basis, ...]
    subjects: tuple[Subject, ...]
    categories: tuple[Data, ...]
    recipients: tuple[Recipient, ...]
    retention: Period

    def __post_init__(self) -> None:
        if not (self.purpose_sv.strip() and self.purpose_en.strip() and self.retention.sv and self.retention.en):
            raise ValueError("a processing declaration needs its purpose and retention in Swedish and English")
        if self.categories and not (self.legal_basis and self.subjects and self.recipients):
            raise ValueError("personal data needs a legal basis, its data subjects and its recipients")
        if Data.HEALTH in self.categories and not any(b.article.startswith("art. 9") for b in self.legal_basis):
            raise ValueError("health data needs a basis of art. 9.2 besides art. 6.1")

    @property
    def personal(self) -> bool:
        return bool(self.categories)

    @property
    def transfers(self) -> tuple[str, ...]:
        """The third countries the data may go to (through a recipient)."""
        return tuple(r.transfer for r in self.recipients if r.transfer)


class Undeclared(LookupError):
    """Kinds of item without their own ``PROCESSING`` declaration."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__("no PROCESSING declared for " + ", ".join(names) + ": give each its purpose, legal basis, "
                         "data subjects, categories, recipients and retention where it is defined (store/models/)")


def declaration(kind: type) -> Processing | None:
    """The kind's own declaration (one inherited from another kind does not count)."""
    found = vars(kind).get("PROCESSING")
    return found if isinstance(found, Processing) else None


def declared(kinds: Iterable[type]) -> list[tuple[str, Processing]]:
    """(name, declaration) of every kind, in order; ``Undeclared`` naming every kind that has none."""
    found: list[tuple[str, Processing]] = []
    missing: list[str] = []
    for kind in kinds:
        entry = declaration(kind)
        if entry is None:
            missing.append(kind.__name__)
        else:
            found.append((kind.__name__, entry))
    if missing:
        raise Undeclared(missing)
    return found
