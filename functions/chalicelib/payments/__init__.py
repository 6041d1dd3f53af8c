"""Prepayments: Stripe behind one gateway (``gateway``, the only module that imports stripe),
refunds capped by a claim (``refunds``), the bookkeeping ledger (``ledger``), receipts and
credit receipts from one gap-free series (``receipts``, e-mailed by ``receipt_mail``), webhooks
handled once (``webhooks``) and the booking page's status question (``status``).
Bookings are confirmed by ``booking.paid``, never here."""
