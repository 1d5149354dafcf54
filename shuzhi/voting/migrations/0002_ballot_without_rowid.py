"""On SQLite, store ballots in a WITHOUT ROWID table: rows are then kept in the order of their random
UUID key, and no hidden rowid records the order in which ballots arrived (PostgreSQL: see
services.close_survey)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='voting_ballot'")
        (create_sql,) = cursor.fetchone()
        if "WITHOUT ROWID" in create_sql.upper():
            return
        cursor.execute("SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='voting_ballot' AND sql IS NOT NULL")
        index_sql = [row[0] for row in cursor.fetchall()]
        cursor.execute("ALTER TABLE voting_ballot RENAME TO voting_ballot_old")
        cursor.execute(create_sql + " WITHOUT ROWID")
        cursor.execute("INSERT INTO voting_ballot SELECT * FROM voting_ballot_old")
        cursor.execute("DROP TABLE voting_ballot_old")
        for sql in index_sql:
            cursor.execute(sql)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("voting", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
