"""Remove from the database files what they still hold of closed votes (voting/secrecy.py).

    manage.py scrub_vote_files

Closing a vote does this by itself once its transaction has committed; run it again if the server
logged that it could not finish (a long reader kept SQLite's write-ahead log busy, or PostgreSQL's
table lock was not granted in time), or before copying the database files anywhere. Safe at any
time, also while another vote is open. Exits with status 1 if it could not finish.
"""

from django.core.management.base import BaseCommand, CommandError

from shuzhi.voting.secrecy import scrub_files


class Command(BaseCommand):
    help = "Scrub the database files of what they still hold of closed votes."

    def handle(self, *args, **options):
        result = scrub_files()
        if not result.done:
            raise CommandError(f"not finished: {result.detail}")
        self.stdout.write(f"OK    {result.detail}")
