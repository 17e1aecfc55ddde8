"""The storefront: a Mini App page served by the bot itself, on the chat's cart and checkout."""
