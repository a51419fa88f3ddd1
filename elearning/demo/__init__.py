"""Demo data: the seed's organizations, accounts and a history that makes every page meaningful (``elearning demo``)."""
