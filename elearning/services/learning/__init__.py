"""A learner's work: certification cycles, progress on modules, quiz attempts, completions."""
