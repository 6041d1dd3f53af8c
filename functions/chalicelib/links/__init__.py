"""Links in e-mails: signed tokens (``tokens``), the pages they open (``urls``),
and the one check of who holds one (``access``)."""
