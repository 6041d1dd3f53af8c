"""Offers by e-mail and SMS, only with the customer's consent per channel (marknadsföringslagen 19 §):
the proofs of each choice (``consents``) and the double opt-in of the booking form (``double_opt_in``)."""
