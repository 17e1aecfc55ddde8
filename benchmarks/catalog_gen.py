"""Big catalogs for benchmarks and tests: `generate(n)` rows in the catalog file format.

The shop's own 28 products (data/catalog.json) come first, so "gooseneck kettle" or "kettel"
has a known answer at any size; the rest are made from word lists the way shops name things
("Speckled Stoneware Mug 350ml") plus made-up brand names, so the vocabulary keeps growing
with the catalog as it does in a real shop (a long tail of rare words), not only the counts.

    python -m benchmarks.catalog_gen 100000 big.json    # then: python -m bot seed --file big.json
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

SHOP_CATALOG = Path(__file__).resolve().parent.parent / "data" / "catalog.json"


def _list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",")]


# Category -> nouns sold in it (comma-separated, as the other lists).
NOUNS: dict[str, list[str]] = {
    "Coffee & Tea": _list(
        "beans, roast, blend, espresso, decaf, tea, sencha, matcha, oolong, rooibos, chai, "
        "infusion, tisane, capsules, filters"
    ),
    "Kitchen": _list(
        "mug, cup, kettle, teapot, grinder, scale, press, dripper, carafe, tumbler, saucer, "
        "bowl, plate, knife, board, pan, skillet, whisk, spatula, ladle, jar, canister, tray, "
        "colander, grater"
    ),
    "Stationery": _list(
        "notebook, journal, pen, pencil, ink, eraser, ruler, planner, sketchbook, marker, "
        "highlighter, folder, binder, envelope, stamp, clipboard"
    ),
    "Home": _list(
        "candle, blanket, throw, cushion, pillow, rug, vase, pot, planter, diffuser, lamp, "
        "mirror, clock, basket, curtain, towel, doormat"
    ),
    "Outdoor": _list(
        "bottle, flask, hammock, lantern, tent, backpack, torch, compass, stove, tarp, chair, "
        "cooler, poncho, gaiters, trowel"
    ),
    "Garden": _list(
        "hose, shears, gloves, seeds, planter, trellis, rake, spade, sprinkler, birdhouse, "
        "feeder, compost, pruner, watering can"
    ),
    "Bath": _list(
        "soap, towel, robe, sponge, brush, dispenser, mat, caddy, salts, loofah, razor, comb"
    ),
    "Toys & Games": _list(
        "puzzle, blocks, kite, yoyo, marbles, cards, dominoes, chess set, spinning top, "
        "rattle, plush, train set"
    ),
}
ADJECTIVES = _list(
    "speckled, matte, glossy, rustic, classic, modern, compact, deluxe, handmade, "
    "vintage, minimal, sturdy, lightweight, foldable, insulated, rechargeable, reusable, "
    "organic, scented, woven, hammered, brushed, polished, textured, striped, dotted, "
    "quilted, padded, waterproof, portable, nordic, japanese"
)
MATERIALS = _list(
    "stoneware, ceramic, porcelain, glass, steel, copper, brass, oak, walnut, bamboo, "
    "cedar, linen, cotton, wool, merino, leather, cork, terracotta, marble, slate, "
    "silicone, nylon, canvas, felt, rattan, jute, enamel"
)
COLOURS = _list(
    "black, white, grey, charcoal, ivory, sand, oat, olive, sage, forest, navy, ocean, "
    "teal, mustard, rust, terracotta, blush, plum, burgundy"
)
SIZES = _list(
    "250ml, 350ml, 500ml, 750ml, 1L, small, medium, large, XL, set of 2, set of 4, 30cm, "
    "45cm, A5, A4, 100g, 250g, 1kg"
)
FEATURES = _list(
    "dishwasher safe, microwave safe, hand wash only, keeps drinks hot for hours, "
    "lay-flat binding, recycled packaging, a lifetime guarantee, a soft-touch finish, a "
    "non-slip base, a removable lid, a leak-proof seal, a gift box, fair-trade sourcing, "
    "a replaceable cartridge, a magnetic closure, reinforced stitching, UV protection"
)
USES = _list(
    "everyday use, slow mornings, camping trips, the home office, small kitchens, "
    "gifting, weekend hikes, tea ceremonies, long journeys, quiet evenings, family "
    "dinners, picnics, the studio, beginners and experts alike"
)
_SYLLABLES = _list(
    "ka, lo, mi, ra, ve, no, ta, shi, zu, pel, dor, vin, bra, kes, tor, lan, mer, qui, "
    "sto, fal, gri, hu, ox, yor, ell, an, ix, um"
)


def _brand(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _product(n: int, rng: random.Random, brands: list[str]) -> dict[str, Any]:
    category = rng.choice(list(NOUNS))
    noun = rng.choice(NOUNS[category])
    material, colour = rng.choice(MATERIALS), rng.choice(COLOURS)
    brand = rng.choice(brands)
    words = [brand, rng.choice(ADJECTIVES), material, noun]
    if rng.random() < 0.5:
        words.append(rng.choice(SIZES))
    title = " ".join(w if w[:1].isupper() else w.capitalize() for w in words)
    model = f"{brand[:2].upper()}-{rng.randint(100, 9999)}"
    description = (
        f"{rng.choice(ADJECTIVES).capitalize()} {colour} {noun} in {material}, "
        f"made for {rng.choice(USES)}. Comes with {rng.choice(FEATURES)} and "
        f"{rng.choice(FEATURES)}. Model {model}."
    )
    return {
        "sku": f"GEN-{n:06d}",
        "title": title[:128],
        "description": description,
        "category": category,
        "price": f"{rng.randint(300, 25000) / 100:.2f}",
        "currency": "USD",
        "stock": rng.randint(0, 60),
        "photo": "",
    }


def generate(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` product rows (at least the shop's own catalog), the same for the same seed."""
    rng = random.Random(seed)
    known: list[dict[str, Any]] = json.loads(SHOP_CATALOG.read_text())
    rows = [row for row in known if not row.get("digital")][:count]
    brands = sorted({_brand(rng) for _ in range(max(20, count // 25))})
    rows.extend(_product(n, rng, brands) for n in range(len(rows), count))
    return rows


def write(path: Path, count: int, seed: int = 7) -> Path:
    path.write_text(json.dumps(generate(count, seed)))
    return path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m benchmarks.catalog_gen COUNT FILE.json")
    print(write(Path(sys.argv[2]), int(sys.argv[1])))
