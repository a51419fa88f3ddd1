"""E-mail: the outbox written with the action that causes a message (:mod:`.outbox`), messages rendered from
templates in the recipient's language (:mod:`.messages`), and their delivery after commit (:mod:`.delivery`)
through SMTP or the log (:mod:`.transports`)."""
