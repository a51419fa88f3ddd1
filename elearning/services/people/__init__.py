"""People and who they are: accounts, sign-in and sessions, the viewer of a request, organizations, teams, and the
track assignments their roles give them."""
