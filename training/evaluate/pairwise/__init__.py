"""Double-blind pairwise rating of two systems' documentation by people.

``create`` makes a session (items with the two outputs in random left/right order, the
unblinding key kept apart), raters vote in a local web page (``serve``) or a CSV sheet
(``export``/``import``), and ``report`` unblinds and summarises the votes.
"""
