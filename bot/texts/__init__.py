"""The words of the support chat, back-in-stock notices, cart reminders and /settings.

One module per feature holds every text that feature shows (screens, buttons, toasts and
the notices sent without being asked), so each can move into message catalogs in one piece.
Plain text: the views escape what they put into HTML.
"""
