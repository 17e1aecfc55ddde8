"""The use cases beside the shopper's chat (bot.conversation.journey): the admin's, the
payment flow's, inline sharing, and the notices and deliveries they cause.

Each takes the Shop and plain values, runs its units of work, calls the services for the rules
and the adapters on the Shop (Stripe, Stars, the notifier) for the outside world, and returns
plain data or raises a domain error (bot.services.errors). Handlers call one of them and hand
what comes back to a view; nothing here imports `telegram`.
"""
