"""Every kind of item in the one table, by concept (the key table is in ``store.table``)."""

from ..table import EXPIRY_PARTITION, Item, customer_pk, live
from .calendar import Booking, SlotLock
from .customers import Customer, EmailChange, EmailKey, MarketingConsent, Message
from .payments import LedgerEntry, RefundClaim, WebhookEvent
from .photos import MAX_PHOTOS_PER_BOOKING, OPEN_COMPLAINTS, Complaint, ComplaintMessage, Photo
from .receipts import Receipt, ReceiptCounter
from .records import CookieConsent, DeletionRecord, PageCount, RateLimit, RightsRequest

__all__ = [
    "EXPIRY_PARTITION", "MAX_PHOTOS_PER_BOOKING", "OPEN_COMPLAINTS", "Booking", "Complaint", "ComplaintMessage",
    "CookieConsent", "Customer", "DeletionRecord", "EmailChange", "EmailKey", "Item", "LedgerEntry",
    "MarketingConsent", "Message", "PageCount", "Photo", "RateLimit", "Receipt", "ReceiptCounter", "RefundClaim",
    "RightsRequest", "SlotLock", "WebhookEvent", "customer_pk", "live",
]
