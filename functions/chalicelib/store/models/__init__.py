"""Every kind of item in the one table, by concept (the key table is in ``store.table``)."""

from ..table import EXPIRY_PARTITION, Item, customer_pk, live
from .bookings import Block, BlockMarker, Booking, BookingRef, SlotLock
from .customers import (
    AccessEntry,
    Customer,
    CustomerTerm,
    EmailChange,
    EmailKey,
    MarketingConsent,
    Message,
    PhoneKey,
    identity_key,
)
from .marketing import Offer, OfferDelivery, OptIn
from .payments import LedgerEntry, RefundClaim, WebhookEvent
from .photos import MAX_PHOTOS_PER_BOOKING, OPEN_COMPLAINTS, Complaint, ComplaintMessage, ComplaintRef, Photo
from .receipts import Receipt, ReceiptCounter
from .records import CookieConsent, DeletionRecord, PageCount, RateLimit, RightsRequest
from .reports import ReportDay, ReportSource
from .settings import ClinicSettings, SettingsChange
from .staff import FeedKey, SignInFailure, SignInLink, StaffAccount, StaffSession, digest, staff_pk

__all__ = [
    "EXPIRY_PARTITION", "MAX_PHOTOS_PER_BOOKING", "OPEN_COMPLAINTS", "AccessEntry", "Block", "BlockMarker", "Booking",
    "BookingRef", "ClinicSettings",
    "Complaint", "ComplaintMessage", "ComplaintRef", "CookieConsent", "Customer", "CustomerTerm", "DeletionRecord",
    "EmailChange", "EmailKey", "FeedKey", "Item", "LedgerEntry", "MarketingConsent", "Message", "Offer",
    "OfferDelivery", "OptIn", "PageCount", "PhoneKey", "Photo", "RateLimit", "Receipt", "ReceiptCounter", "RefundClaim",
    "ReportDay", "ReportSource", "RightsRequest", "SettingsChange",
    "SignInFailure", "SignInLink", "SlotLock", "StaffAccount", "StaffSession", "WebhookEvent",
    "customer_pk", "digest", "identity_key", "live", "staff_pk",
]
