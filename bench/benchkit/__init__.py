"""What the bench scripts share (a package, so `make bench`'s `bench/*.py` does not run it)."""

from urllib.parse import urlparse


def scratch_database(url: str, *, drop_only: bool = False) -> None:
    """Create the bench's own PostgreSQL database afresh (or only drop it). Refuses any name
    not starting with ipcity_bench: a mistyped URL must never drop a real database."""
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name.startswith("ipcity_bench"):
        raise SystemExit(
            f"refusing to drop {name!r}: the scratch database's name must start with ipcity_bench"
        )
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
