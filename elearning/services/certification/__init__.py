"""Certificates: verification codes, issuing, the register (reading and public verification), revocation and
reissue, and reconciling everyone after a change."""
