"""Personal data never reaches the warehouse: CRM exports are loaded (valid rows, rejected rows,
rows DuckDB itself cannot parse, a header-less file), then every table and column of the DuckDB
file, its bytes, the temporary folder and the logs are searched for the emails, phone numbers and
names the files hold."""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat

import duckdb
import pytest

from pipeline.ingest import privacy
from pipeline.ingest.load import connect, inventory, load_pending
from pipeline.ingest.privacy import hmac_hex, load_or_create_key
from pipeline.ingest.registry import formats
from tests.fixtures.formats.ingest_kit import FIXTURES, manifest, rows_of, settings_for

CRM = ["hubspot_contacts/hubspot-crm-exports-all-contacts-2026-10-31.csv",
       "hubspot_deals/hubspot-crm-exports-all-deals-2026-10-31.csv",
       "salesforce_leads/salesforce_leads_it.csv", "salesforce_leads/salesforce_leads_us.csv"]
HEADER = ("Record ID,First Name,Last Name,Email,Phone Number,Create Date,Lifecycle Stage,"
          "Lead Status,Original Source,Original Source Drill-Down 1,Original Source Drill-Down 2,"
          "Latest Source,Latest Source Drill-Down 1,Latest Source Drill-Down 2,"
          "Became a Lead Date,Became a Customer Date")
# A later contacts export with rows that must be rejected: a date holding an email (a shifted
# row), a bad date, a row with one column too many (DuckDB's own reject), a row cut short.
BAD_CONTACTS = "\n".join([
    HEADER,
    "201,Mario,Verdi,mario.verdi@example.net,+39 347 555 0101,2026-11-02 10:00,lead,,,,,,,,,",
    "202,Chiara,Longhi,chiara.longhi@example.net,+39 347 555 0202,chiara.longhi@example.net,"
    "lead,,,,,,,,,",
    "203,Paola,Marini,paola.marini@example.net,+39 347 555 0303,02/11/2026,lead,,,,,,,,,",
    "204,Bruno,Esposti,bruno.esposti@example.net,+39 347 555 0404,2026-11-03 09:00,lead,,,,,,,,,,"
    "extra",
    "205,Elena,Fabbri,elena.fabbri@example.net,+39 347 555 0505",
]) + "\n"
HEADERLESS = ("301,Sergio,Mancini,sergio.mancini@example.net,+39 347 555 0606,2026-11-05 10:00,"
              "lead,,,,,,,,,\n")

NEEDLES = [
    # names (HubSpot first/last names, deal owners)
    "Giulia", "Rossi", "John", "Smith", "Anna", "Bianchi", "Paolo Neri", "Laura Gallo",
    "Mario", "Verdi", "Chiara", "Longhi", "Paola", "Marini", "Bruno", "Esposti", "Elena",
    "Fabbri", "Sergio", "Mancini",
    # emails, as written and normalised
    "giulia.rossi@example.com", "JOHN.SMITH@Example.com", "john.smith@example.com",
    "anna.bianchi@example.org", "marco.ferrari@example.it", "lucia.esposito@example.it",
    "giorgio.greco@example.it", "amy.lee@example.com", "bob.stone@example.com",
    "cy.young@example.com", "mario.verdi", "chiara.longhi", "paola.marini", "bruno.esposti",
    "elena.fabbri", "sergio.mancini", "@example.",
    # phones, as written and as digits
    "+39 333 111 2222", "393331112222", "3331112222", "(555) 123-4567", "5551234567",
    "0039 02 1234 5678", "390212345678", "347 555", "3475550",
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("privacy")
    settings = settings_for(tmp)
    for rel in CRM:
        (settings.raw_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(FIXTURES / rel, settings.raw_dir / rel)
    (settings.raw_dir / "hubspot_contacts/hubspot-crm-exports-all-contacts-2026-11-30.csv"
     ).write_text(BAD_CONTACTS, encoding="utf-8")
    (settings.raw_dir / "hubspot_contacts/contacts_no_header.csv").write_text(HEADERLESS)
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep(level=logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        con = connect(settings)
        inventory(con, settings)  # progress goes to the log, as in the Dagster assets
        for name in formats():
            load_pending(con, settings, name)
        con.execute("CHECKPOINT")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    yield con, settings, records
    con.close()


def _contents(con) -> dict[str, str]:
    """Every table of the warehouse, every column cast to text."""
    out = {}
    for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                                     "ORDER BY ALL").fetchall():
        cols = [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
            [schema, table]).fetchall()]
        text = ", ".join(f"coalesce(CAST(\"{c}\" AS VARCHAR), '')" for c in cols)
        agg = con.execute(f"SELECT string_agg(concat_ws('|', {text}), chr(10)) "
                          f'FROM "{schema}"."{table}"').fetchone()[0]
        out[f"{schema}.{table}"] = agg or ""
    return out


def test_the_files_really_hold_the_personal_data_we_look_for():
    text = "".join((FIXTURES / rel).read_bytes().decode("utf-8", "replace") for rel in CRM)
    text += BAD_CONTACTS + HEADERLESS
    digits = re.sub(r"\D", "", text)
    for needle in NEEDLES:
        assert needle.lower() in text.lower() or needle in digits, needle


def test_every_file_is_accounted_for(loaded):
    con, _, _ = loaded
    m = manifest(con)
    assert m["hubspot_contacts/contacts_no_header.csv"]["status"] == "unknown"
    bad = m["hubspot_contacts/hubspot-crm-exports-all-contacts-2026-11-30.csv"]
    assert (bad["rows_read"], bad["rows_loaded"], bad["rows_rejected"]) == (5, 1, 4)
    reasons = [r for (r,) in con.execute("SELECT reason FROM raw._rejects WHERE path LIKE "
                                         "'%2026-11-30%' ORDER BY line").fetchall()]
    assert reasons[0] == ('Create Date: "[email]" is not a valid date '
                          "(expected like 2026-12-31 23:59)")
    assert reasons[1].startswith('Create Date: "02/11/2026" is not a valid date')
    assert reasons[2].startswith("too many columns") and reasons[3].startswith("missing columns")


def test_no_email_phone_or_name_anywhere_in_the_warehouse(loaded):
    con, _, _ = loaded
    contents = _contents(con)
    assert {"raw._files", "raw._rejects", "raw.hubspot_contacts", "raw.hubspot_deals",
            "raw.salesforce_leads"} <= set(contents)
    assert "[personal data]" in contents["raw._rejects"]  # rejected rows are kept, masked
    for table, text in contents.items():
        for needle in NEEDLES:
            assert needle.lower() not in text.lower(), f"{needle!r} found in {table}"


def test_no_personal_data_in_the_database_bytes_temporary_files_or_logs(loaded):
    _, settings, records = loaded
    blobs = {p.name: p.read_bytes() for p in settings.warehouse_path.parent.glob("*.duckdb*")}
    assert blobs
    for name, data in blobs.items():
        for needle in NEEDLES:
            assert needle.encode() not in data, f"{needle!r} in the bytes of {name}"
    assert not list(settings.tmp_dir.glob("vf_*")), "decoded copies left behind"
    assert records, "the loader logged nothing: the log check would prove nothing"
    log = "\n".join(records).lower()
    for needle in NEEDLES:
        assert needle.lower() not in log, f"{needle!r} in the logs"


def test_hashes_are_hmac_of_the_normalised_values(loaded):
    con, settings, _ = loaded
    key = settings.key_file.read_bytes().strip()
    contacts = {r["contact_id"]: r for r in rows_of(
        con, "hubspot_contacts/hubspot-crm-exports-all-contacts-2026-10-31.csv")}
    assert contacts["101"]["email_hash"] == hmac_hex(key, "giulia.rossi@example.com")
    assert contacts["102"]["email_hash"] == hmac_hex(key, "john.smith@example.com")  # trimmed
    assert contacts["101"]["phone_hash"] == hmac_hex(key, "+393331112222")
    assert contacts["102"]["phone_hash"] == hmac_hex(key, "5551234567")
    assert contacts["103"]["phone_hash"] == hmac_hex(key, "+390212345678")
    leads = {r["lead_id"]: r for r in rows_of(con, "salesforce_leads/salesforce_leads_it.csv")}
    assert leads["00Q5g00000AbCdE1"]["email_hash"] == hmac_hex(key, "marco.ferrari@example.it")
    # the same person in two files has the same hash (joins still work)
    later = rows_of(con, "hubspot_contacts/hubspot-crm-exports-all-contacts-2026-11-30.csv")
    assert later[0]["email_hash"] == hmac_hex(key, "mario.verdi@example.net")
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for (h,) in con.execute(
        "SELECT email_hash FROM raw.hubspot_contacts UNION ALL "
        "SELECT email_hash FROM raw.salesforce_leads").fetchall())


def test_key_file_is_created_owner_only(loaded):
    _, settings, _ = loaded
    mode = stat.S_IMODE(os.stat(settings.key_file).st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(os.stat(settings.key_file.parent).st_mode) & 0o077 == 0
    assert len(settings.key_file.read_bytes().strip()) == 64


def test_key_from_the_environment_wins_and_the_file_key_is_stable(tmp_path, monkeypatch):
    monkeypatch.delenv("VF_PSEUDONYM_KEY", raising=False)
    first = load_or_create_key(tmp_path / "k" / "key")
    assert load_or_create_key(tmp_path / "k" / "key") == first
    monkeypatch.setenv("VF_PSEUDONYM_KEY", "from-env")
    assert load_or_create_key(tmp_path / "k" / "key") == b"from-env"


def test_sql_hmac_equals_python_hmac_for_any_key_length():
    for key in (b"k", b"x" * 64, b"long" * 40):
        con = duckdb.connect()
        privacy.install_hmac(con, key)
        for msg in ("a@b.it", "é@ü.de", ""):
            got = con.execute("SELECT vf_hmac(?)", [msg]).fetchone()[0]
            assert got == hmac_hex(key, msg)
        assert con.execute("SELECT vf_hmac(NULL)").fetchone()[0] is None
