"""Rendering: screens (bot.conversation.screens) to Telegram messages, and showing them."""
