"""The owner's numbers: per-day aggregates kept from the table's stream, the reports read from them, and the
accountant's SIE file written from the ledger. Reads bookings, the ledger and page counts; writes only its
own aggregate items (through ``store.reports_repo``), none of which holds personal data."""
