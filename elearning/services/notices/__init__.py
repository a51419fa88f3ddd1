"""What the platform tells people on its own: reminders of what is due and weekly digests (built on the reports,
sent through the outbox)."""
