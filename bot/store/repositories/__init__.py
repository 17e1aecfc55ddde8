"""Repositories add, get and list; they never commit (the unit of work does)."""

from bot.store.repositories.audit import AuditRepository
from bot.store.repositories.broadcasts import BroadcastRepository
from bot.store.repositories.carts import CartRepository
from bot.store.repositories.catalog import CategoryRepository, ProductRepository
from bot.store.repositories.chat_states import ChatStateRepository
from bot.store.repositories.customers import CustomerRepository
from bot.store.repositories.orders import OrderRepository
from bot.store.repositories.payments import PaymentRepository, RefundRepository
from bot.store.repositories.promos import PromoRepository
from bot.store.repositories.restock import RestockRepository
from bot.store.repositories.support import SupportRepository

__all__ = [
    "AuditRepository",
    "BroadcastRepository",
    "CartRepository",
    "CategoryRepository",
    "ChatStateRepository",
    "CustomerRepository",
    "OrderRepository",
    "PaymentRepository",
    "ProductRepository",
    "PromoRepository",
    "RefundRepository",
    "RestockRepository",
    "SupportRepository",
]
