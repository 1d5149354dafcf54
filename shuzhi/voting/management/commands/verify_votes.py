"""Check that the stored ballots of closed votes still match their seals.

    manage.py verify_votes            # every closed vote
    manage.py verify_votes 12 15      # the votes (surveys) with these ids

Exits with status 1 if any vote differs from its seal, naming each changed, missing or extra ballot,
or if the results stored when it closed differ from a recount of its ballots, naming each figure.
"""

from django.core.management.base import BaseCommand, CommandError

from shuzhi.voting.closing import verify_results, verify_seal
from shuzhi.voting.models import Survey, SurveyStatus


class Command(BaseCommand):
    help = "Verify closed votes against their seals."

    def add_arguments(self, parser):
        parser.add_argument("survey_ids", nargs="*", type=int)

    def handle(self, *args, survey_ids, **options):
        surveys = Survey.objects.filter(status=SurveyStatus.CLOSED, is_rehearsal=False).select_related("meeting")
        if survey_ids:
            surveys = surveys.filter(pk__in=survey_ids)
        failed = 0
        for survey in surveys.order_by("pk"):
            check = verify_seal(survey)
            stored = verify_results(survey)
            label = f"#{survey.pk} {survey.meeting.title}"
            if check.ok and stored.ok:
                self.stdout.write(
                    f"OK    {label}: {check.count} 张票与封存摘要 {survey.seal_digest[:16]}… 一致；"
                    "存储的测评结果与重新计票一致"
                )
                continue
            failed += 1
            self.stdout.write(f"FAIL  {label}:")
            if not stored.stored:
                self.stdout.write("      没有存储的测评结果")
            for line in stored.differences:
                self.stdout.write(f"      存储的结果与重新计票不同：{line}")
            if not check.digest_matches:
                self.stdout.write("      封存记录本身被改动（与封存摘要不符）")
            for receipt in check.changed:
                self.stdout.write(f"      回执码 {receipt} 的票面与封存时不同")
            for receipt in check.missing:
                self.stdout.write(f"      回执码 {receipt} 的票已不在数据库中")
            for receipt in check.extra:
                self.stdout.write(f"      回执码 {receipt} 的票不在封存记录中")
        if failed:
            raise CommandError(f"{failed} 次测评与封存记录或存储的结果不一致")
