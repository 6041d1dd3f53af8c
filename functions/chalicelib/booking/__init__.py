"""Bookings: free times (``availability``, pure), the time locks (``locks``), taking a slot
(``take``), moving and cancelling (``change``), a payment confirming a hold (``paid``),
reminders, and what a booking says to its customer (``view``, ``notify``, ``mail``)."""
