"""Hit rate and speed of the duty report quality check (述职报告体检) on the sample reports.

Run from the project root (no Django settings needed):

    .venv/bin/python bench/quality_accuracy.py            # the table
    .venv/bin/python bench/quality_accuracy.py --verbose  # plus every sample's findings and every miss

For each rule it prints: how many samples expect the rule to fire and how many of them it fired on (recall),
how many good samples it fired on (false positives), and how many samples that list the rule under
"expect_not" it fired on anyway. Then the time to check 1,000 reports (the samples, repeated).
The exit status is 1 when any sample's expectations are not met.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shuzhi.reports.quality import RULE_CODES, ReportText, check_report, load_default_rules  # noqa: E402

SAMPLES = ROOT / "shuzhi" / "reports" / "tests" / "samples"


def load_samples() -> list[tuple[str, dict, ReportText]]:
    samples = []
    for path in sorted(SAMPLES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        text = data["text"]
        report = ReportText(
            prior_answers=tuple((p, a) for p, a in text.get("prior_answers", [])),
            practices=text.get("practices", ""),
            problems=text.get("problems", ""),
            next_steps=text.get("next_steps", ""),
            key_items=tuple(text.get("key_items", [])),
        )
        samples.append((path.stem, data, report))
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every sample's findings")
    parser.add_argument("--reports", type=int, default=1000, help="how many reports to time (default 1000)")
    args = parser.parse_args()

    started = time.perf_counter()
    rules = load_default_rules()
    check_report(ReportText((), "我", "", ""), rules)  # loads jieba's dictionary once
    warm_up = time.perf_counter() - started

    samples = load_samples()
    good = [name for name, data, _ in samples if data.get("good")]
    fired: dict[str, set[str]] = {}
    failures = []
    for name, data, report in samples:
        findings = check_report(report, rules)
        codes = {f.rule for f in findings}
        fired[name] = codes
        missed = set(data["expect"]) - codes
        unwanted = set(data["expect_not"]) & codes
        if missed or unwanted:
            failures.append((name, sorted(missed), sorted(unwanted)))
        if args.verbose:
            print(f"\n== {name}: {data.get('title', '')}")
            for finding in findings:
                print(f"  [{finding.rule}] ({finding.section}) {finding.explanation.split('。')[0]}。")
                for sentence in finding.sentences[:3]:
                    print(f"      · {sentence[:70]}")

    print(
        f"{len(samples)} sample reports ({len(good)} good) in {SAMPLES.relative_to(ROOT)}; "
        f"rules version {rules.version}\n"
    )
    columns = [
        "rule              ",
        "expected to fire",
        "fired (recall)",
        "good samples flagged",
        "expect_not violated",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("-" * (len(c) + 2) for c in columns) + "|")
    for code in RULE_CODES:
        expected = [name for name, data, _ in samples if code in data["expect"]]
        hit = [name for name in expected if code in fired[name]]
        false_pos = [name for name in good if code in fired[name]]
        forbidden = [name for name, data, _ in samples if code in data["expect_not"]]
        violated = [name for name in forbidden if code in fired[name]]
        recall = f"{len(hit)} ({len(hit) / len(expected):.0%})" if expected else "–"
        cells = [
            code,
            str(len(expected)),
            recall,
            f"{len(false_pos)} of {len(good)}",
            f"{len(violated)} of {len(forbidden)}",
        ]
        print("| " + " | ".join(cell.ljust(len(c)) for cell, c in zip(cells, columns, strict=True)) + " |")

    reports = [report for _, _, report in samples]
    count = max(1, args.reports)
    started, cpu_started = time.perf_counter(), time.process_time()
    for index in range(count):
        check_report(reports[index % len(reports)], rules)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    chars = sum(
        len(r.practices) + len(r.problems) + len(r.next_steps) + sum(len(p) + len(a) for p, a in r.prior_answers)
        for r in reports
    ) / len(reports)
    print(
        f"\nChecked {count} reports (average {chars:.0f} characters each): "
        f"{elapsed * 1000 / count:.2f} s per 1,000 reports wall-clock, {cpu * 1000 / count:.2f} s CPU "
        f"({cpu / count * 1000:.1f} ms CPU per report; wall-clock is higher when the machine is busy). "
        f"One-off start-up (loading jieba's dictionary): {warm_up:.2f} s."
    )

    if failures:
        print("\nSamples whose expectations are not met:")
        for name, missed, unwanted in failures:
            print(f"  {name}: did not fire {missed}; fired although expect_not {unwanted}")
        return 1
    print("\nAll sample expectations are met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
