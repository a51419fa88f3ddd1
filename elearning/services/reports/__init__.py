"""Read models over many people or domains: the learner's dashboard, a member's detail (and the team matrix,
organization view and coverage report to come). Batch reads only: a fixed number of queries whatever the data."""
