"""Complaints about a treatment (reklamation): the customer files one from the manage page of a
booking that has taken place (``customer``), the clinic answers and closes it with an outcome,
a partial refund going through the payment rules (``clinic``); the e-mails are in ``mail``."""
