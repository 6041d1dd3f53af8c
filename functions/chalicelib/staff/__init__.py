"""The clinic's back office: staff sign in (``signin``: an e-mailed link and a TOTP code, ``totp``),
hold sessions (``sessions``: who, which role), see the calendar (``schedule``), book, move and cancel
for callers (``bookings``), block time (``blocks``), record outcomes (``outcomes``), find and open
customers (``customers``), work complaints (``complaints``, over ``complaints.clinic``) and show a
booking's photos (``bookings.photos``), and every look at a customer's data is logged (``access``). Their own
calendar feed (``feed``); the messages they send (``notify``); how bookings look to them (``views``).

Above booking and rights (it books and cancels through them, and answers data-subject requests with
the same code), below the routes. Later capabilities (offers, complaints, photos, regulated
treatments) build on ``sessions.require`` (who and which role), ``access.record`` (log each look)
and ``views``.
"""
