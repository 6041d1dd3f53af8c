"""What every capability shares and nothing else: the clock, settings and secrets,
the clinic file, the error root, the two languages and the checks of typed fields.
Imports nothing of the platform's own."""
