"""The demo brand's suppliers and products: 60 hand-written SKUs, more generated when asked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.errors import InputError

#: Smallest catalogue that still tells every story (hero, backorders, holds, slow movers, ...).
MIN_SKUS = 20

# Season profiles (see planner.demo.sales): how demand moves through the year.
FLAT, GIFT, SUMMER, WINTER, HOLIDAY = range(5)
# How many units a customer puts on one order line.
RETAIL, CONSUMABLE, SETS, BULK = range(4)

SUPPLIERS = pd.DataFrame(
    [
        # the Vietnamese potter bills in US dollars; Guangzhou in yuan, Porto in euros (minimum
        # order values are in the supplier's currency); the overseas three are ordered from on a
        # fixed cycle and pay freight and duty on top; the two Asian ones ship by the container
        ("Saigon Ceramics Co.", "orders@saigonceramics.vn", 52.0, 7.0, 4000.0, "USD",
         "Linh Tran", "Lot 14, Song Than Industrial Park, Binh Duong, Vietnam",
         28, 9.0, 6.0, 33.0, 21_700.0),
        ("Guangzhou Brewware Ltd.", "sales@gzbrewware.cn", 45.0, 6.0, 21_000.0, "CNY",
         "Kevin Zhao", "88 Shiji Road, Panyu District, Guangzhou, China",
         28, 10.0, 7.5, 33.0, 21_700.0),
        ("Tecelagem do Porto, Lda.", "encomendas@tecelagemporto.pt", 25.0, 3.0, 1300.0, "EUR",
         "Ana Ferreira", "Rua do Almada 120, 4050-031 Porto, Portugal",
         21, 5.0, 4.0, None, None),
        ("Cascade Coffee Roasters", "wholesale@cascaderoasters.com", 10.0, 2.0, 250.0, "USD",
         "Sam Ortiz", "1450 SE Water Ave, Portland, OR 97214, USA", None, None, None, None, None),
        ("Alder & Pine Woodshop", "hello@alderandpine.com", 14.0, 3.0, None, "USD",
         "Jonah Price", "310 Blair Blvd, Eugene, OR 97402, USA", None, None, None, None, None),
    ],
    columns=["supplier", "email", "lead_time_days", "lead_time_std_days", "min_order_value",
             "currency", "contact", "address", "order_cycle_days", "freight_pct", "duty_pct",
             "container_m3", "max_weight_kg"],
)
#: US dollars per unit of each foreign currency, by months before as-of (0 = as-of's month):
#: a rate is dated the first of its month, the newest applies.
FX_RATES_USD = {"EUR": {12: 1.07, 3: 1.08, 2: 1.11, 1: 1.12, 0: 1.13},
                "CNY": {12: 0.1372, 3: 0.1378, 2: 0.1381, 1: 0.1386, 0: 0.1389}}
SAIGON, GUANGZHOU, PORTO, CASCADE, ALDER = range(5)
#: Days between purchase orders to each supplier (the buyer's review rhythm).
PO_CYCLE_DAYS = np.array([28, 28, 21, 7, 14])
#: Receipt lateness per supplier in days: (mean, standard deviation) of a whole PO.
LATENESS_DAYS = np.array([(6.0, 6.0), (2.0, 4.0), (0.5, 1.5), (0.0, 1.0), (1.0, 2.0)])

# sku, name, supplier, unit_cost, unit_price, order lines/day now, season, season_amp,
# trend per year, role, stock, moq, case_pack
_C = [
    ("NW-MUG12-SAG", "Stoneware Mug 12 oz – Sage",
     SAIGON, 5.4, 26, 2.4, GIFT, 1.6, .10, "regular", "healthy", 288, 24),
    ("NW-MUG12-CHK", "Stoneware Mug 12 oz – Chalk",
     SAIGON, 5.4, 26, 2.8, GIFT, 1.6, .15, "regular", "healthy", 288, 24),
    ("NW-MUG12-CHR", "Stoneware Mug 12 oz – Charcoal",
     SAIGON, 5.4, 26, 1.9, GIFT, 1.6, .05, "regular", "low", 288, 24),
    ("NW-MUG12-TRC", "Stoneware Mug 12 oz – Terracotta",
     SAIGON, 5.4, 26, 1.2, GIFT, 1.4, -.45, "regular", "overstock", 288, 24),
    ("NW-MUG16-SAG", "Stoneware Mug 16 oz – Sage",
     SAIGON, 6.1, 29, 1.1, GIFT, 1.5, .10, "regular", "healthy", 288, 24),
    ("NW-MUG16-CHK", "Stoneware Mug 16 oz – Chalk",
     SAIGON, 6.1, 29, 1.3, GIFT, 1.5, .10, "regular", "healthy", 288, 24),
    ("NW-MUG10-TRC", "Stoneware Mug 10 oz – Terracotta (discontinued)",
     SAIGON, 4.8, 22, 0.9, GIFT, 1.3, -.30, "dead", "healthy", 288, 24),
    ("NW-ESP-SET4", "Espresso Cups – Set of 4, Speckled",
     SAIGON, 9.8, 42, 0.6, GIFT, 2.0, .00, "regular", "healthy", 144, 12),
    ("NW-PLT-DIN-CHK", "Dinner Plate – Chalk",
     SAIGON, 6.9, 32, 0.9, GIFT, 1.0, .05, "regular", "healthy", 200, 20),
    ("NW-PLT-SID-CHK", "Side Plate – Chalk",
     SAIGON, 4.6, 24, 0.7, GIFT, 1.0, .05, "regular", "healthy", 200, 20),
    ("NW-BWL-SAG", "Cereal Bowl – Sage",
     SAIGON, 5.2, 26, 0.8, GIFT, 1.0, .00, "regular", "low", 200, 20),
    ("NW-BWL-SRV-L", "Serving Bowl – Large",
     SAIGON, 11.5, 58, 0.35, GIFT, 1.8, .00, "regular", "healthy", 100, 10),
    ("NW-TEAPOT-800", "Stoneware Teapot 800 ml",
     SAIGON, 12.8, 64, 0.4, WINTER, 1.0, .00, "regular", "healthy", 100, 6),
    ("NW-VASE-BUD", "Bud Vase – Speckled",
     SAIGON, 3.9, 19, 0.18, FLAT, 0.0, .00, "intermittent", "healthy", 96, 12),
    ("NW-PLANTER-L", "Ceramic Planter – Large",
     SAIGON, 9.5, 48, 0.5, SUMMER, 2.2, .05, "regular", "healthy", 96, 6),
    ("NW-DRIP-SPK", "Speckled Pour-Over Dripper",
     SAIGON, 6.2, 34, 5.0, GIFT, 1.2, .00, "hero", "zero", 300, 24),
    ("NW-KTL-BLK", "Gooseneck Kettle 1 L – Matte Black",
     GUANGZHOU, 19.5, 79, 1.5, GIFT, 1.8, .10, "covered", "zero", 200, 10),
    ("NW-KTL-WHT", "Gooseneck Kettle 1 L – White",
     GUANGZHOU, 19.5, 79, 0.8, GIFT, 1.8, .10, "regular", "low", 200, 10),
    ("NW-GRN-HND", "Hand Grinder – Steel Burr",
     GUANGZHOU, 23.0, 95, 1.4, GIFT, 1.5, .70, "uncovered", "zero", 100, 10),
    ("NW-SCALE", "Brew Scale with Timer",
     GUANGZHOU, 11.0, 45, 0.9, GIFT, 1.6, .15, "regular", "healthy", 100, 20),
    ("NW-FP-8", "French Press 8-Cup",
     GUANGZHOU, 8.4, 39, 0.8, GIFT, 1.4, -.10, "regular", "healthy", 120, 12),
    ("NW-CB-BTL", "Cold Brew Bottle 1 L",
     GUANGZHOU, 5.6, 29, 0.9, SUMMER, 2.5, .10, "regular", "healthy", 200, 20),
    ("NW-TMB-16", "Insulated Tumbler 16 oz",
     GUANGZHOU, 6.3, 32, 1.1, SUMMER, 1.8, .05, "regular", "low", 200, 24),
    ("NW-FLT-100", "Paper Filters #2 – 100 pack",
     GUANGZHOU, 0.9, 7, 2.5, FLAT, 0.0, .10, "regular", "healthy", 1000, 50),
    ("NW-CARAFE-600", "Glass Carafe 600 ml",
     GUANGZHOU, 4.7, 24, 0.5, GIFT, 1.2, .00, "regular", "healthy", 120, 12),
    ("NW-FROTH", "Handheld Milk Frother",
     GUANGZHOU, 3.2, 18, 1.0, GIFT, 1.0, -.60, "regular", "overstock", 240, 24),
    ("NW-LID-FP", "Replacement Lid – French Press",
     GUANGZHOU, 1.1, 9, 0.12, FLAT, 0.0, .00, "intermittent", "healthy", 100, 25),
    ("NW-BURR-SET", "Spare Burr Set – Hand Grinder",
     GUANGZHOU, 4.0, 22, 0.08, FLAT, 0.0, .10, "intermittent", "low", 50, 10),
    ("NW-DWG-2PK", "Double-Wall Glass Mug – 2 pack",
     GUANGZHOU, 5.9, 32, 0.7, GIFT, 1.5, .20, "regular", "healthy", 144, 12),
    ("NW-CAN-500", "Coffee Canister 500 g – Matte Black",
     GUANGZHOU, 6.8, 34, 0.6, GIFT, 1.6, .05, "regular", "healthy", 120, 12),
    ("NW-APR-NAT", "Linen Apron – Natural",
     PORTO, 11.0, 48, 0.9, GIFT, 1.2, .05, "regular", "healthy", 60, 10),
    ("NW-APR-CHR", "Linen Apron – Charcoal",
     PORTO, 11.0, 48, 0.7, GIFT, 1.2, .05, "regular", "low", 60, 10),
    ("NW-TT-LIN3", "Linen Tea Towels – Set of 3",
     PORTO, 8.5, 36, 1.2, GIFT, 1.3, .10, "regular", "healthy", 60, 10),
    ("NW-NAP-OAT4", "Linen Napkins – Set of 4, Oat",
     PORTO, 9.2, 42, 0.8, GIFT, 1.5, .00, "regular", "healthy", 60, 10),
    ("NW-NAP-SAG4", "Linen Napkins – Set of 4, Sage",
     PORTO, 9.2, 42, 0.5, GIFT, 1.5, .10, "regular", "healthy", 60, 10),
    ("NW-TBLC-150", "Linen Tablecloth 150 × 250 cm",
     PORTO, 24.0, 110, 0.1, GIFT, 1.5, .00, "intermittent", "healthy", 20, 5),
    ("NW-TEE-S", "Organic Logo Tee – S",
     PORTO, 6.8, 32, 0.6, SUMMER, 0.8, .05, "regular", "healthy", 50, 10),
    ("NW-TEE-M", "Organic Logo Tee – M",
     PORTO, 6.8, 32, 1.1, SUMMER, 0.8, .05, "regular", "healthy", 50, 10),
    ("NW-TEE-L", "Organic Logo Tee – L",
     PORTO, 6.8, 32, 1.0, SUMMER, 0.8, .05, "regular", "low", 50, 10),
    ("NW-TEE-XL", "Organic Logo Tee – XL",
     PORTO, 6.8, 32, 0.5, SUMMER, 0.8, .05, "regular", "healthy", 50, 10),
    ("NW-HOOD-M", "Heavyweight Hoodie – Forest, M",
     PORTO, 21.0, 89, 0.7, WINTER, 1.8, .15, "regular", "healthy", 50, 10),
    ("NW-HOOD-L", "Heavyweight Hoodie – Forest, L",
     PORTO, 21.0, 89, 0.7, WINTER, 1.8, .15, "covered", "zero", 50, 10),
    ("NW-TOTE", "Canvas Market Tote",
     PORTO, 4.9, 25, 0.9, SUMMER, 1.6, .00, "regular", "healthy", 100, 20),
    ("NW-BEANIE", "Merino Beanie – Rust",
     PORTO, 7.5, 34, 0.5, WINTER, 3.5, .10, "regular", "healthy", 50, 10),
    ("0451", "House Blend Whole Bean 340 g",
     CASCADE, 5.9, 18, 3.0, GIFT, 0.5, .35, "regular", "healthy", 24, 12),
    ("0452", "Single Origin Ethiopia 340 g",
     CASCADE, 7.2, 22, 1.3, FLAT, 0.0, .10, "regular", "healthy", 12, 6),
    ("0453", "Decaf Colombia 340 g",
     CASCADE, 6.4, 19, 0.7, FLAT, 0.0, .00, "regular", "low", 12, 6),
    ("0454", "Single Origin Kenya 340 g",
     CASCADE, 7.6, 23, 1.0, FLAT, 0.0, .00, "new", "healthy", 12, 6),
    ("0460", "Espresso Blend 1 kg",
     CASCADE, 15.5, 42, 0.12, FLAT, 0.0, .10, "lumpy", "healthy", 12, 6),
    ("0465", "Cold Brew Blend 1 kg",
     CASCADE, 13.0, 36, 0.4, SUMMER, 2.5, .10, "regular", "healthy", 12, 6),
    ("0471", "Holiday Blend 340 g",
     CASCADE, 6.6, 21, 1.8, HOLIDAY, 0.0, .00, "regular", "healthy", 24, 12),
    ("NW-SMPL-3", "Coffee Discovery Sampler – 3 × 100 g",
     CASCADE, 6.0, 24, 1.2, GIFT, 1.0, .30, "new", "low", 24, 12),
    ("NW-GIFT-BOX", "Brew at Home Gift Box",
     CASCADE, 21.0, 79, 0.4, GIFT, 4.0, .10, "regular", "healthy", 24, 6),
    ("NW-BRD-WAL-ENG", "Engraved Walnut Serving Board (made to order)",
     ALDER, 24.0, 95, 0.45, GIFT, 2.0, .10, "mto", "zero", 0, 1),
    ("NW-BRD-OAK", "Oak Cutting Board",
     ALDER, 14.0, 58, 0.6, GIFT, 1.6, .05, "regular", "healthy", 20, 5),
    ("NW-CST-WAL4", "Walnut Coasters – Set of 4",
     ALDER, 6.5, 28, 0.6, GIFT, 2.0, .05, "regular", "healthy", 24, 6),
    ("NW-SPN-MPL3", "Maple Spoon Set of 3",
     ALDER, 5.8, 26, 0.5, GIFT, 1.5, .00, "regular", "healthy", 24, 6),
    ("NW-SHELF-OAK", "Floating Shelf – Oak 60 cm",
     ALDER, 18.0, 72, 0.07, FLAT, 0.0, .00, "intermittent", "healthy", 10, 2),
    ("NW-TRAY-WAL", "Walnut Serving Tray",
     ALDER, 16.0, 68, 0.8, GIFT, 1.5, .20, "new", "low", 20, 5),
    ("NW-STAND-WAL", "Pour-Over Stand – Walnut & Steel",
     ALDER, 12.5, 54, 0.35, GIFT, 1.5, .00, "regular", "healthy", 20, 5),
]
_COLUMNS = ["sku", "name", "supplier_idx", "unit_cost", "unit_price", "lines_per_day", "season",
            "season_amp", "trend_per_year", "role", "stock", "moq", "case_pack"]

#: Products whose lead time differs from their supplier's: (days, standard deviation).
LEAD_TIME_OVERRIDES = {"NW-KTL-BLK": (60.0, 10.0), "NW-KTL-WHT": (60.0, 10.0),
                       "NW-DRIP-SPK": (55.0, 8.0), "NW-TBLC-150": (35.0, 5.0)}
SERVICE_LEVELS = {"NW-DRIP-SPK": 0.98, "0451": 0.98, "NW-TBLC-150": 0.90, "NW-SHELF-OAK": 0.85,
                  "NW-VASE-BUD": 0.90}
#: Days before as-of that a product was launched (the rest sold before history starts).
LAUNCH_DAYS_AGO = {"NW-DRIP-SPK": 150, "NW-SMPL-3": 100, "0454": 80, "NW-TRAY-WAL": 70}
#: Days before as-of of the last sale of a discontinued product.
DISCONTINUED_DAYS_AGO = {"NW-MUG10-TRC": 240}
#: Stock on returns / quality hold: units and release date in days from as-of (None: unknown).
HOLDS = {"NW-DRIP-SPK": (40, 5), "NW-MUG12-SAG": (12, 10), "NW-TEE-M": (5, None)}
#: Days each story SKU has been out of stock (its order lines since then are still open).
OUT_OF_STOCK_DAYS = {"NW-DRIP-SPK": 10, "NW-KTL-BLK": 18, "NW-HOOD-L": 12, "NW-GRN-HND": 21,
                     "NW-BRD-WAL-ENG": 24}
#: What customers of each story SKU were promised: days from order date to shipping.
PROMISE_DAYS = {"NW-DRIP-SPK": 21, "NW-KTL-BLK": 21, "NW-HOOD-L": 14, "NW-GRN-HND": 10,
                "NW-BRD-WAL-ENG": 28}
HERO_SKU = "NW-DRIP-SPK"
MADE_TO_ORDER_SKU = "NW-BRD-WAL-ENG"
OVERRIDE_SKU = "NW-TRAY-WAL"

# Generated SKUs: category code, base name, supplier, unit cost, unit price, moq, case pack,
# qty kind, sized (apparel)
_CATEGORIES = [
    ("MUG", "Stoneware Mug", SAIGON, 5.2, 25, 288, 24, RETAIL, False),
    ("BWL", "Stoneware Bowl", SAIGON, 5.0, 24, 200, 20, SETS, False),
    ("PLT", "Stoneware Plate", SAIGON, 5.8, 28, 200, 20, SETS, False),
    ("VAS", "Ceramic Vase", SAIGON, 7.5, 38, 96, 12, RETAIL, False),
    ("GLS", "Glass Tumbler", GUANGZHOU, 3.1, 16, 240, 24, SETS, False),
    ("BRW", "Brew Tool", GUANGZHOU, 9.0, 42, 100, 10, RETAIL, False),
    ("BTL", "Travel Bottle", GUANGZHOU, 6.0, 30, 200, 20, RETAIL, False),
    ("LIN", "Linen Napkins", PORTO, 8.8, 40, 60, 10, RETAIL, False),
    ("TEE", "Organic Tee", PORTO, 6.8, 32, 50, 10, RETAIL, True),
    ("SWT", "Crewneck Sweatshirt", PORTO, 17.0, 72, 50, 10, RETAIL, True),
    ("CAP", "Canvas Cap", PORTO, 5.5, 28, 60, 12, RETAIL, False),
    ("COF", "Whole Bean Coffee 340 g", CASCADE, 6.5, 20, 12, 6, CONSUMABLE, False),
    ("TEA", "Loose Leaf Tea 100 g", CASCADE, 4.2, 16, 12, 6, CONSUMABLE, False),
    ("WOD", "Wooden Board", ALDER, 12.0, 52, 20, 5, RETAIL, False),
    ("SPN", "Wooden Utensil", ALDER, 3.5, 16, 24, 6, RETAIL, False),
]
_COLLECTIONS = ["Harbor", "Meadow", "Ridge", "Coastal", "Fern", "Dune", "Alpine", "Orchard",
                "Canyon", "Willow", "Tide", "Ember", "Hollow", "Prairie", "Cedar", "Juniper"]
_COLOURS = ["Sage", "Chalk", "Charcoal", "Terracotta", "Ocean", "Sand", "Moss", "Rust", "Oat",
            "Indigo", "Clay", "Fog"]
_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]


#: Packed volume (m³) and weight (kg) of one sellable unit, for the container suppliers' SKUs.
UNIT_SIZE = {
    "NW-MUG12-SAG": (0.0024, 0.45), "NW-MUG12-CHK": (0.0024, 0.45),
    "NW-MUG12-CHR": (0.0024, 0.45), "NW-MUG12-TRC": (0.0024, 0.45),
    "NW-MUG16-SAG": (0.0029, 0.55), "NW-MUG16-CHK": (0.0029, 0.55),
    "NW-MUG10-TRC": (0.0020, 0.38), "NW-ESP-SET4": (0.0040, 0.90),
    "NW-PLT-DIN-CHK": (0.0035, 0.85), "NW-PLT-SID-CHK": (0.0020, 0.50),
    "NW-BWL-SAG": (0.0026, 0.50), "NW-BWL-SRV-L": (0.0085, 1.60),
    "NW-TEAPOT-800": (0.0060, 1.10), "NW-VASE-BUD": (0.0010, 0.20),
    "NW-PLANTER-L": (0.0200, 2.80), "NW-DRIP-SPK": (0.0016, 0.35),
    "NW-KTL-BLK": (0.0120, 1.30), "NW-KTL-WHT": (0.0120, 1.30), "NW-GRN-HND": (0.0030, 0.70),
    "NW-SCALE": (0.0025, 0.50), "NW-FP-8": (0.0060, 0.90), "NW-CB-BTL": (0.0050, 0.80),
    "NW-TMB-16": (0.0030, 0.40), "NW-FLT-100": (0.0008, 0.12),
    "NW-CARAFE-600": (0.0040, 0.60), "NW-FROTH": (0.0008, 0.15), "NW-LID-FP": (0.0004, 0.05),
    "NW-BURR-SET": (0.0003, 0.10), "NW-DWG-2PK": (0.0040, 0.60),
    "NW-CAN-500": (0.0040, 0.50),
}
#: The same for generated SKUs, by category code.
CATEGORY_SIZE = {"MUG": (0.0024, 0.45), "BWL": (0.0026, 0.50), "PLT": (0.0030, 0.70),
                 "VAS": (0.0040, 0.80), "GLS": (0.0020, 0.35), "BRW": (0.0040, 0.70),
                 "BTL": (0.0030, 0.45)}
#: Quantity discounts: sku → (min_quantity, share of the unit cost) tiers.
PRICE_BREAKS = {"NW-DRIP-SPK": [(600, 0.95), (1200, 0.90)],
                "NW-MUG12-CHK": [(576, 0.95)],
                "NW-FLT-100": [(2000, 0.92), (5000, 0.85)],
                "NW-KTL-BLK": [(400, 0.94)],
                "NW-TEE-M": [(100, 0.93)]}


def fx_rates(as_of: pd.Timestamp | object) -> pd.DataFrame:
    """The demo's exchange rates (currency, rate in USD, date): the first of a few months."""
    month = pd.Timestamp(as_of).to_period("M")
    rows = [(currency, rate, (month - ago).to_timestamp().date().isoformat())
            for currency, by_month in FX_RATES_USD.items()
            for ago, rate in sorted(by_month.items(), reverse=True)]
    return pd.DataFrame(rows, columns=["currency", "rate", "date"])


def price_breaks(catalog: pd.DataFrame) -> pd.DataFrame:
    """The demo's price breaks (in the supplier's currency) for the SKUs in the catalogue."""
    cost = dict(zip(catalog["sku"], catalog["unit_cost"], strict=True))
    supplier = dict(zip(catalog["sku"], catalog["supplier"], strict=True))
    rows = [(sku, supplier[sku], minimum, round(float(cost[sku]) * share, 2))
            for sku, tiers in PRICE_BREAKS.items() if sku in cost for minimum, share in tiers]
    return pd.DataFrame(rows, columns=["sku", "supplier", "min_quantity", "unit_cost"])


def _costs_in_supplier_currency(frame: pd.DataFrame) -> None:
    """The catalogue's costs are written in dollars; a supplier billing in another currency
    quotes them in its own (at the newest rate). ``landed_multiplier`` takes them back to
    landed dollars (rate × (1 + freight + duty))."""
    info = SUPPLIERS.iloc[frame["supplier_idx"].to_numpy()]
    newest = {currency: by_month[min(by_month)] for currency, by_month in FX_RATES_USD.items()}
    rate = info["currency"].map(newest).fillna(1.0).to_numpy(float)
    frame["unit_cost"] = np.round(frame["unit_cost"].to_numpy(float) / rate, 2)
    extra = info["freight_pct"].fillna(0.0).to_numpy(float) + info["duty_pct"].fillna(
        0.0).to_numpy(float)
    frame["landed_multiplier"] = rate * (1.0 + extra / 100.0)


def _unit_sizes(frame: pd.DataFrame) -> None:
    """unit_volume_m3 and unit_weight_kg for the container suppliers' SKUs (else empty)."""
    code = frame["sku"].str.extract(r"^NW-([A-Z]{3})-\d{5}$")[0].fillna("")
    containers = SUPPLIERS["container_m3"].notna().to_numpy()[frame["supplier_idx"].to_numpy()]
    size = [UNIT_SIZE.get(sku, CATEGORY_SIZE.get(category)) if ships else None
            for sku, category, ships in zip(frame["sku"], code, containers, strict=True)]
    frame["unit_volume_m3"] = [v[0] if v else np.nan for v in size]
    frame["unit_weight_kg"] = [v[1] if v else np.nan for v in size]


def _handwritten() -> pd.DataFrame:
    frame = pd.DataFrame(_C, columns=_COLUMNS)
    frame["qty_kind"] = RETAIL
    frame.loc[frame["sku"].isin(["NW-FLT-100", "0451", "0452", "0453", "0454", "0465", "0471"]),
              "qty_kind"] = CONSUMABLE
    frame.loc[frame["sku"].isin(["NW-PLT-DIN-CHK", "NW-PLT-SID-CHK", "NW-BWL-SAG"]),
              "qty_kind"] = SETS
    frame.loc[frame["role"] == "lumpy", "qty_kind"] = BULK
    return frame


def _pick_handwritten(frame: pd.DataFrame, skus: int) -> pd.DataFrame:
    """Keep every story SKU, then fill up with ordinary ones in catalogue order."""
    if skus >= len(frame):
        return frame
    essential = (frame["role"] != "regular") | frame["sku"].isin(list(HOLDS))
    keep = essential.copy()
    spare = skus - int(essential.sum())
    keep[frame.index[~essential][:spare]] = True
    return frame[keep].reset_index(drop=True)


def _generated(count: int, rng: np.random.Generator, start_number: int) -> pd.DataFrame:
    """Ordinary long-tail SKUs with generated names, spread over the five suppliers."""
    cats = pd.DataFrame(_CATEGORIES, columns=["code", "base", "supplier_idx", "unit_cost",
                                              "unit_price", "moq", "case_pack", "qty_kind",
                                              "sized"])
    pick = cats.iloc[rng.integers(0, len(cats), count)].reset_index(drop=True)
    number = np.arange(start_number, start_number + count)
    collection = np.array(_COLLECTIONS)[rng.integers(0, len(_COLLECTIONS), count)]
    colour = np.array(_COLOURS)[rng.integers(0, len(_COLOURS), count)]
    size = np.array(_SIZES)[rng.integers(0, len(_SIZES), count)]
    name = (pd.Series(collection) + " " + pick["base"] + " – " + colour
            + np.where(pick["sized"], ", " + size, ""))
    price_factor = rng.lognormal(0.0, 0.25, count)
    frame = pd.DataFrame({
        "sku": "NW-" + pick["code"] + "-" + pd.Series(number).map("{:05d}".format),
        "name": name,
        "supplier_idx": pick["supplier_idx"],
        "unit_cost": np.round(pick["unit_cost"] * price_factor, 2),
        "unit_price": np.round(pick["unit_price"] * price_factor, 0) - 0.01 * (
            rng.random(count) < 0.3),
        "lines_per_day": rng.lognormal(np.log(0.2), 1.0, count),
        "season": rng.choice([FLAT, GIFT, SUMMER, WINTER], count, p=[0.3, 0.45, 0.15, 0.10]),
        "season_amp": rng.uniform(0.3, 2.0, count),
        "trend_per_year": rng.normal(0.0, 0.25, count),
        "role": rng.choice(["regular", "intermittent", "new", "dead"], count,
                           p=[0.73, 0.20, 0.05, 0.02]),
        "stock": rng.choice(["healthy", "low", "zero", "overstock"], count,
                            p=[0.74, 0.14, 0.05, 0.07]),
        "moq": pick["moq"],
        "case_pack": pick["case_pack"],
        "qty_kind": pick["qty_kind"],
    })
    slow = frame["role"] == "intermittent"
    frame.loc[slow, "lines_per_day"] = rng.uniform(0.03, 0.3, int(slow.sum()))
    frame.loc[frame["role"] == "dead", "stock"] = "healthy"
    return frame


def build_catalog(skus: int, days: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per SKU: product columns plus the demand and stock story that drives the demo."""
    if skus < MIN_SKUS:
        raise InputError(f"the demo needs at least {MIN_SKUS} SKUs to tell its story (got {skus})")
    frame = _pick_handwritten(_handwritten(), skus)
    if skus > len(frame):
        frame = pd.concat([frame, _generated(skus - len(frame), rng, len(frame) + 1)],
                          ignore_index=True)
    n = len(frame)
    frame["supplier"] = SUPPLIERS["supplier"].to_numpy()[frame["supplier_idx"]]
    _costs_in_supplier_currency(frame)
    _unit_sizes(frame)
    lead = frame["sku"].map(lambda s: LEAD_TIME_OVERRIDES.get(s, (np.nan, np.nan)))
    frame["lead_time_days"] = [v[0] for v in lead]
    frame["lead_time_std_days"] = [v[1] for v in lead]
    frame["service_level"] = frame["sku"].map(SERVICE_LEVELS)
    generated = np.arange(n) >= 60
    own_lead = generated & (rng.random(n) < 0.05)
    sup_lead = SUPPLIERS["lead_time_days"].to_numpy()[frame["supplier_idx"]]
    frame.loc[own_lead, "lead_time_days"] = np.round(sup_lead[own_lead] * 1.2)
    frame.loc[own_lead, "lead_time_std_days"] = np.round(sup_lead[own_lead] * 0.15)
    own_service = generated & (rng.random(n) < 0.03)
    frame.loc[own_service, "service_level"] = 0.9
    frame["made_to_order"] = frame["role"] == "mto"
    frame["active"] = frame["role"] != "dead"
    frame["supplier_sku"] = None

    # Where in the history each SKU was selling: day indexes 0 .. days-1 (as-of is days-1).
    as_of_day = days - 1
    launch = np.full(n, -10_000)
    end = np.full(n, as_of_day)
    for sku, ago in LAUNCH_DAYS_AGO.items():
        launch[frame["sku"].to_numpy() == sku] = as_of_day - ago
    for sku, ago in DISCONTINUED_DAYS_AGO.items():
        end[frame["sku"].to_numpy() == sku] = as_of_day - ago
    new = generated & (frame["role"] == "new").to_numpy()
    launch[new] = as_of_day - rng.integers(20, 120, int(new.sum()))
    dead = generated & (frame["role"] == "dead").to_numpy()
    end[dead] = as_of_day - rng.integers(60, 400, int(dead.sum()))
    frame["launch_day"] = launch
    frame["end_day"] = np.maximum(end, 0)
    frame["spike"] = np.where(frame["role"] == "hero", 7.0, 0.0)
    frame["p_amazon"] = np.select([frame["role"].isin(["hero", "mto", "lumpy"]),
                                   frame["supplier_idx"] == CASCADE], [0.0, 0.05], 0.12)
    frame["p_wholesale"] = np.select(
        [frame["role"] == "lumpy", frame["role"].isin(["hero", "mto"]),
         frame["supplier_idx"] == CASCADE], [1.0, 0.0, 0.05], 0.015)
    frame["wholesale_pack"] = np.where(frame["role"] == "lumpy", 6,
                                       np.minimum(frame["case_pack"], 6))
    return frame
