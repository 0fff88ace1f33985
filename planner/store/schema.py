"""The workspace schema, as an ordered list of migrations.

Every table is STRICT and carries CHECK constraints, so a negative quantity, a malformed date or
text in a number column cannot be stored whatever code writes it.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from planner import clock

#: Bumped with every migration; stored in PRAGMA user_version.
SCHEMA_VERSION = 6

migrations = Migrations("planner")

_ISO_DATE = "GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'"


def _date(col: str, *, required: bool = False) -> str:
    null = "NOT NULL" if required else ""
    check = f"CHECK ({col} {_ISO_DATE})" if required else f"CHECK ({col} IS NULL OR {col} {_ISO_DATE})"
    return f"{col} TEXT {null} {check}"


def _run_script(db: Database, script: str) -> None:
    """Run statements one by one (executescript would commit the migration's transaction)."""
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    _run_script(
        db,
        f"""
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;

        CREATE TABLE suppliers (
            supplier TEXT PRIMARY KEY CHECK (length(supplier) > 0),
            email TEXT,
            lead_time_days REAL CHECK (lead_time_days IS NULL OR lead_time_days >= 0),
            lead_time_std_days REAL CHECK (lead_time_std_days IS NULL OR lead_time_std_days >= 0),
            min_order_value REAL CHECK (min_order_value IS NULL OR min_order_value >= 0),
            currency TEXT,
            contact TEXT,
            address TEXT
        ) STRICT;

        CREATE TABLE products (
            sku TEXT PRIMARY KEY CHECK (length(sku) > 0),
            name TEXT,
            supplier TEXT REFERENCES suppliers(supplier) ON UPDATE CASCADE,
            supplier_sku TEXT,
            unit_cost REAL CHECK (unit_cost IS NULL OR unit_cost >= 0),
            unit_price REAL CHECK (unit_price IS NULL OR unit_price >= 0),
            lead_time_days REAL CHECK (lead_time_days IS NULL OR lead_time_days >= 0),
            lead_time_std_days REAL CHECK (lead_time_std_days IS NULL OR lead_time_std_days >= 0),
            moq INTEGER CHECK (moq IS NULL OR moq >= 0),
            case_pack INTEGER CHECK (case_pack IS NULL OR case_pack >= 1),
            service_level REAL CHECK (service_level IS NULL OR (service_level > 0 AND service_level < 1)),
            made_to_order INTEGER NOT NULL DEFAULT 0 CHECK (made_to_order IN (0, 1)),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
        ) STRICT;
        CREATE INDEX products_supplier ON products(supplier);

        CREATE TABLE sales (
            id INTEGER PRIMARY KEY,
            {_date("date", required=True)},
            sku TEXT NOT NULL REFERENCES products(sku) ON UPDATE CASCADE,
            quantity INTEGER NOT NULL CHECK (quantity >= 0),
            order_id TEXT,
            unit_price REAL CHECK (unit_price IS NULL OR unit_price >= 0),
            channel TEXT
        ) STRICT;
        CREATE UNIQUE INDEX sales_order_line ON sales(order_id, sku, date) WHERE order_id IS NOT NULL;
        CREATE INDEX sales_sku_date ON sales(sku, date);

        -- Daily demand per SKU, kept in step with sales by the importers: what the engine reads.
        CREATE TABLE daily_demand (
            sku TEXT NOT NULL,
            {_date("date", required=True)},
            quantity INTEGER NOT NULL CHECK (quantity >= 0),
            order_lines INTEGER NOT NULL CHECK (order_lines >= 0),
            PRIMARY KEY (sku, date)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE inventory (
            sku TEXT NOT NULL REFERENCES products(sku) ON UPDATE CASCADE,
            location TEXT NOT NULL DEFAULT '',
            on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
            on_hold INTEGER NOT NULL DEFAULT 0 CHECK (on_hold >= 0),
            {_date("hold_release_date")},
            PRIMARY KEY (sku, location)
        ) STRICT;

        CREATE TABLE purchase_orders (
            po_number TEXT PRIMARY KEY CHECK (length(po_number) > 0),
            supplier TEXT REFERENCES suppliers(supplier) ON UPDATE CASCADE,
            {_date("order_date")},
            note TEXT
        ) STRICT;

        CREATE TABLE po_lines (
            po_number TEXT NOT NULL REFERENCES purchase_orders(po_number)
                ON UPDATE CASCADE ON DELETE CASCADE,
            sku TEXT NOT NULL REFERENCES products(sku) ON UPDATE CASCADE,
            quantity INTEGER NOT NULL CHECK (quantity >= 0),
            {_date("expected_date", required=True)},
            received_quantity INTEGER NOT NULL DEFAULT 0 CHECK (received_quantity >= 0),
            {_date("received_date")},
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'received', 'cancelled')),
            unit_cost REAL CHECK (unit_cost IS NULL OR unit_cost >= 0),
            PRIMARY KEY (po_number, sku)
        ) STRICT;
        CREATE INDEX po_lines_sku ON po_lines(sku);

        CREATE TABLE backorders (
            order_id TEXT NOT NULL CHECK (length(order_id) > 0),
            sku TEXT NOT NULL REFERENCES products(sku) ON UPDATE CASCADE,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            {_date("order_date", required=True)},
            {_date("promised_date")},
            unit_price REAL CHECK (unit_price IS NULL OR unit_price >= 0),
            priority REAL,
            customer TEXT,
            PRIMARY KEY (order_id, sku)
        ) STRICT;
        CREATE INDEX backorders_sku ON backorders(sku);

        CREATE TABLE forecast_overrides (
            sku TEXT PRIMARY KEY REFERENCES products(sku) ON UPDATE CASCADE,
            demand_per_day REAL NOT NULL CHECK (demand_per_day >= 0),
            demand_std_per_day REAL CHECK (demand_std_per_day IS NULL OR demand_std_per_day >= 0),
            {_date("start_date")},
            {_date("end_date")}
        ) STRICT;

        -- What customers were last told, so the update list can say when a date changed.
        CREATE TABLE quoted_dates (
            order_id TEXT NOT NULL,
            sku TEXT NOT NULL,
            {_date("quoted_date")},
            {_date("exported_on", required=True)},
            PRIMARY KEY (order_id, sku)
        ) STRICT;

        CREATE TABLE import_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT,
            kind TEXT NOT NULL,
            file TEXT NOT NULL,
            rows_read INTEGER NOT NULL CHECK (rows_read >= 0),
            inserted INTEGER NOT NULL CHECK (inserted >= 0),
            updated INTEGER NOT NULL CHECK (updated >= 0),
            skipped INTEGER NOT NULL CHECK (skipped >= 0),
            summary TEXT
        ) STRICT;
        """
    )


@migrations(name="0002_sales_line_index")
def m0002_sales_line_index(db: Database) -> None:
    """One index on sales instead of two: unique (sku, date, order_id) both keys the order lines
    (order ids are unique per SKU and day; lines without an order id never clash, since SQLite
    treats NULLs as distinct) and serves every lookup by SKU and date range. A bulk import of
    millions of lines builds one index instead of two, and the new one sorts in nearly the order
    the lines are written."""
    _run_script(
        db,
        """
        DROP INDEX sales_order_line;
        DROP INDEX sales_sku_date;
        CREATE UNIQUE INDEX sales_line ON sales(sku, date, order_id);
        """
    )


@migrations(name="0003_buying_and_catalog")
def m0003_buying_and_catalog(db: Database) -> None:
    """The columns and tables of buying abroad (currencies, landed cost, price breaks, order
    cycles, containers), of catalog health (bundles, events, like-SKUs) and of supplier
    confirmations on PO lines (see docs/reference.md)."""
    _run_script(
        db,
        f"""
        ALTER TABLE products ADD COLUMN like_sku TEXT;
        ALTER TABLE products ADD COLUMN like_factor REAL
            CHECK (like_factor IS NULL OR like_factor >= 0);
        ALTER TABLE products ADD COLUMN unit_volume_m3 REAL
            CHECK (unit_volume_m3 IS NULL OR unit_volume_m3 >= 0);
        ALTER TABLE products ADD COLUMN unit_weight_kg REAL
            CHECK (unit_weight_kg IS NULL OR unit_weight_kg >= 0);

        ALTER TABLE suppliers ADD COLUMN order_cycle_days INTEGER
            CHECK (order_cycle_days IS NULL OR order_cycle_days >= 0);
        ALTER TABLE suppliers ADD COLUMN freight_pct REAL
            CHECK (freight_pct IS NULL OR freight_pct >= 0);
        ALTER TABLE suppliers ADD COLUMN duty_pct REAL CHECK (duty_pct IS NULL OR duty_pct >= 0);
        ALTER TABLE suppliers ADD COLUMN container_m3 REAL
            CHECK (container_m3 IS NULL OR container_m3 > 0);
        ALTER TABLE suppliers ADD COLUMN max_weight_kg REAL
            CHECK (max_weight_kg IS NULL OR max_weight_kg > 0);

        ALTER TABLE po_lines ADD COLUMN confirmed_quantity INTEGER
            CHECK (confirmed_quantity IS NULL OR confirmed_quantity >= 0);
        ALTER TABLE po_lines ADD COLUMN {_date("confirmed_date")};

        CREATE TABLE bundles (
            bundle_sku TEXT NOT NULL CHECK (length(bundle_sku) > 0),
            component_sku TEXT NOT NULL CHECK (length(component_sku) > 0),
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (bundle_sku, component_sku)
        ) STRICT;
        CREATE INDEX bundles_component ON bundles(component_sku);

        -- sku and supplier are '' when the event is not limited to one SKU / one supplier
        CREATE TABLE events (
            name TEXT NOT NULL CHECK (length(name) > 0),
            {_date("start_date", required=True)},
            {_date("end_date", required=True)},
            sku TEXT NOT NULL DEFAULT '',
            supplier TEXT NOT NULL DEFAULT '',
            uplift_pct REAL,
            uplift_units REAL,
            PRIMARY KEY (name, sku, supplier)
        ) STRICT;

        -- date is '' for a rate without a start date (it applies from the beginning)
        CREATE TABLE fx_rates (
            currency TEXT NOT NULL CHECK (length(currency) > 0),
            rate REAL NOT NULL CHECK (rate > 0),
            date TEXT NOT NULL DEFAULT '' CHECK (date = '' OR date {_ISO_DATE}),
            PRIMARY KEY (currency, date)
        ) STRICT;

        -- supplier is '' when the break applies whoever supplies the SKU
        CREATE TABLE price_breaks (
            sku TEXT NOT NULL CHECK (length(sku) > 0),
            supplier TEXT NOT NULL DEFAULT '',
            min_quantity INTEGER NOT NULL CHECK (min_quantity > 0),
            unit_cost REAL NOT NULL CHECK (unit_cost >= 0),
            PRIMARY KEY (sku, supplier, min_quantity)
        ) STRICT;
        """
    )


def _last_stock_import_day(db: Database) -> str:
    """The day the stored inventory was last imported (import_log), else today."""
    import datetime as dt

    row = db.execute("SELECT max(substr(at, 1, 10)) FROM import_log "
                     "WHERE kind IN ('inventory', 'shopify_inventory')").fetchone()
    day = row[0] if row and row[0] else None
    try:
        return dt.date.fromisoformat(day).isoformat() if day else clock.today().isoformat()
    except ValueError:
        return clock.today().isoformat()


@migrations(name="0004_inventory_snapshots")
def m0004_inventory_snapshots(db: Database) -> None:
    """Inventory becomes dated snapshots keyed (sku, location, snapshot_date): a file replaces
    the snapshot of its date and earlier ones stay as stock history. The rows already stored
    are dated the day of the last inventory import in import_log (the day they were imported,
    which is what an import without snapshot_date means), or the day of the upgrade when the
    log has none."""
    day = _last_stock_import_day(db)
    _run_script(
        db,
        f"""
        CREATE TABLE inventory_dated (
            sku TEXT NOT NULL REFERENCES products(sku) ON UPDATE CASCADE,
            location TEXT NOT NULL DEFAULT '',
            on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
            on_hold INTEGER NOT NULL DEFAULT 0 CHECK (on_hold >= 0),
            {_date("hold_release_date")},
            {_date("snapshot_date", required=True)},
            PRIMARY KEY (sku, location, snapshot_date)
        ) STRICT;
        INSERT INTO inventory_dated (sku, location, on_hand, on_hold, hold_release_date,
                                     snapshot_date)
            SELECT sku, location, on_hand, on_hold, hold_release_date, '{day}' FROM inventory;
        DROP TABLE inventory;
        ALTER TABLE inventory_dated RENAME TO inventory;
        CREATE INDEX inventory_snapshot ON inventory(snapshot_date)
        """
    )


@migrations(name="0005_po_lifecycle")
def m0005_po_lifecycle(db: Database) -> None:
    """A purchase order's life (planner/store/po_life.py): the PO's own state (draft, sent,
    confirmed; partly received / received / cancelled follow from its lines), the day it was
    sent, the supplier's comment per line, every receipt of a line, and the audit trail of who
    changed what and when. POs stored before are ones already placed: 'sent'."""
    _run_script(
        db,
        f"""
        ALTER TABLE purchase_orders ADD COLUMN state TEXT NOT NULL DEFAULT 'sent'
            CHECK (state IN ('draft', 'sent', 'confirmed'));
        ALTER TABLE purchase_orders ADD COLUMN {_date("sent_date")};
        ALTER TABLE po_lines ADD COLUMN supplier_comment TEXT;

        -- one row per receipt of a PO line (po_lines holds the totals and the latest date)
        CREATE TABLE po_receipts (
            id INTEGER PRIMARY KEY,
            po_number TEXT NOT NULL,
            sku TEXT NOT NULL,
            {_date("received_date", required=True)},
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            at TEXT NOT NULL,
            user TEXT
        ) STRICT;
        CREATE INDEX po_receipts_line ON po_receipts(po_number, sku);

        -- the audit trail: never updated, never deleted (an undo is a row of its own)
        CREATE TABLE po_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT,
            po_number TEXT NOT NULL,
            sku TEXT,
            action TEXT NOT NULL CHECK (length(action) > 0),
            detail TEXT
        ) STRICT;
        CREATE INDEX po_events_po ON po_events(po_number)
        """
    )


@migrations(name="0006_stock_moments")
def m0006_stock_moments(db: Database) -> None:
    """Counts and receipts get a moment (po_life.py's stock rule): when each inventory row was
    recorded (rows stored before: the last stock import of their snapshot's day, if any), when a
    purchase_orders file set a line's received units, and the buyer's "not in the count" on a
    receipt (po_receipts) or on the received units a file set (po_lines)."""
    _run_script(
        db,
        """
        ALTER TABLE inventory ADD COLUMN recorded_at TEXT;
        UPDATE inventory SET recorded_at = (
            SELECT max(at) FROM import_log
            WHERE kind IN ('inventory', 'shopify_inventory')
              AND substr(at, 1, 10) = inventory.snapshot_date);
        ALTER TABLE po_lines ADD COLUMN received_at TEXT;
        ALTER TABLE po_lines ADD COLUMN received_not_in_count INTEGER NOT NULL DEFAULT 0
            CHECK (received_not_in_count IN (0, 1));
        ALTER TABLE po_receipts ADD COLUMN not_in_count INTEGER NOT NULL DEFAULT 0
            CHECK (not_in_count IN (0, 1))
        """
    )
