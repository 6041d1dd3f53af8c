"""The site's cookie banner: proofs of each choice (``consent``) and, only after consent,
page views counted per page and day with no identifiers (``analytics``)."""
