"""Letters parse-only benchmark (issue 18 point 6): documents per second for Schoolsight's parser
against a Python regex extractor pulling the same fields out of the same texts.

Both sides read every file before their clock starts and time the extraction alone, in one
process each: Schoolsight's side is `parse_bench files` (crates/letters/examples/parse_bench.rs,
built in release), which prints its own time; the Python side times `extract` over the texts in
this process. The fields are the parsed letter's: kind, letter date, visit dates, school, URN,
inspection number, lead inspector, overall effectiveness, key judgements, monitoring judgement
and actions. Each side prints how many documents gave each field, so the work can be compared.
The runs alternate, REPEATS each; every run's time goes to the log named by LOG.

Also prints Schoolsight's parse time per KB for LINEAR_FILE repeated 1, 8 and 64 times
(`parse_bench linear`) and for the documents in four groups by length (`parse_bench sizes`):
the same figure at every length is linear growth.

Usage: python3 bench/letters_parse.py PARSE_BENCH_BINARY FOLDER...  (run by bench/run-letters-parse)
"""

import os
import re
import statistics
import subprocess
import sys
import time

REPEATS = int(os.environ.get("REPEATS", "5"))
LOG = os.environ.get("LOG", "bench/letters-parse.log")
LINEAR_FILE = os.environ.get("LINEAR_FILE", "../shared/data/ofsted-school-reports-sample/103980__5.txt")

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATE_LINE = re.compile(rf"^\s*(\d{{1,2}} {MONTH} \d{{4}})\s*$", re.M)
VISIT = re.compile(
    rf"(?:\bon|Inspection dates?:?)\s+(\d{{1,2}}(?:\s*(?:–|-|and|to)\s*\d{{1,2}})?(?:\s+{MONTH})?"
    rf"(?:\s*(?:–|-|and|to)\s*\d{{1,2}})?\s+{MONTH}\s+\d{{4}})"
)
# A document says what it is in its title, so the kind is read from its opening (its first
# HEAD characters: the address block, date and title of the longest letters fit).
HEAD = 3000
KINDS = [
    ("school_monitoring", re.compile(r"monitoring inspection (?:visit )?(?:to|of) [^\n]*(?:School|Academy|College)", re.I)),
    ("short_inspection", re.compile(r"short inspection of", re.I)),
    ("la_focused_inspections", re.compile(r"focused inspection", re.I)),
    ("la_arrangements", re.compile(r"arrangements for supporting school improvement", re.I)),
    ("school_report", re.compile(r"^\s*School report\b")),
]
SCHOOL_IN_TITLE = re.compile(r"(?:visit to|inspection of)\s+\**([A-Z][^*\n]+?(?:School|Academy|College))", re.I)
SCHOOL_REPORT = re.compile(r"^School report\s*\n+\s*(.+)$", re.M)
URN = re.compile(r"Unique reference number\s*\n*\s*(\d{6})")
INSPECTION_NUMBER = re.compile(r"Inspection number\s*\n*\s*(\d{5,8})")
LEAD = re.compile(r"^\s*([A-Z][A-Za-z'’ -]+?),?\s+(?:lead inspector|Lead inspector|Her Majesty’s Inspector|Her Majesty's Inspector)\s*$", re.M)
GRADE = r"(Outstanding|Good|Requires improvement|Requires Improvement|Satisfactory|Inadequate)"
OVERALL = re.compile(rf"^Overall effectiveness\s*\n+\s*{GRADE}\s*$", re.M)
AREAS = re.compile(
    rf"^(Effectiveness of leadership and management|Quality of teaching, learning and assessment|"
    rf"Personal development, behaviour and welfare|Outcomes for pupils|Early years provision|"
    rf"16 to 19 study programmes|The quality of education|Behaviour and attitudes|Personal development|"
    rf"Leadership and management|Sixth form provision)\s*\n+\s*{GRADE}\s*$",
    re.M,
)
# The verdict's phrase, then its sentence found by hand: a pattern that reaches back to the
# sentence's start from every position would be quadratic in the sentence's length.
MONITORING = re.compile(
    r"(?:are|is) (?:not )?taking effective action|(?:reasonable|inadequate|good) progress towards the removal of",
    re.I,
)
ACTIONS = re.compile(
    r"(?:should take further action to:|need to do to improve further\?|Next steps for the school)\s*\n"
    r"((?:[ \t]*(?:[-•*–]|\d+\.|)[ \t]*.+\n?)+)",
    re.I,
)
BULLET = re.compile(r"^\s*(?:[-•*–]|\d+\.)\s*(.+)$", re.M)


SCHOOL_KINDS = {"school_monitoring", "short_inspection", "school_report"}


def sentence(text, match):
    """The sentence around a match: from the last full stop or line break before it to the next."""
    start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    ends = [i for i in (text.find(".", match.end()), text.find("\n", match.end())) if i >= 0]
    return text[start : min(ends, default=len(text)) + 1].strip()


def extract(text):
    """The fields Schoolsight's parser reads; as there, the school fields only for a school's document."""
    head = text[:HEAD]
    kind = next((k for k, pattern in KINDS if pattern.search(head)), "other")
    letter_date = DATE_LINE.search(text)
    visit = VISIT.search(text)
    fields = {
        "kind": kind if kind != "other" else None,
        "letter_date": letter_date and letter_date.group(1),
        "visit_dates": visit and visit.group(1),
    }
    if kind not in SCHOOL_KINDS:
        empty = ["school", "urn", "inspection_number", "lead_inspector", "overall_effectiveness"]
        return {**fields, **dict.fromkeys(empty), "key_judgements": [], "monitoring_judgement": None, "actions": []}
    school = SCHOOL_REPORT.search(text) or SCHOOL_IN_TITLE.search(text)
    urn, number = URN.search(text), INSPECTION_NUMBER.search(text)
    lead, overall = LEAD.search(text), OVERALL.search(text)
    monitoring = MONITORING.search(text)
    block = ACTIONS.search(text)
    return {
        **fields,
        "school": school and school.group(1).strip(),
        "urn": urn and urn.group(1),
        "inspection_number": number and number.group(1),
        "lead_inspector": lead and lead.group(1),
        "overall_effectiveness": overall and overall.group(1),
        "key_judgements": AREAS.findall(text),
        "monitoring_judgement": monitoring and sentence(text, monitoring),
        "actions": BULLET.findall(block.group(1)) if block else [],
    }


def python_run(texts):
    start = time.perf_counter()
    results = [extract(t) for t in texts]
    return time.perf_counter() - start, results


def rust_run(binary, files):
    out = subprocess.run([binary, "files", *files], check=True, capture_output=True, text=True).stdout
    fields = dict(line[len("field "):].split("=") for line in out.splitlines() if line.startswith("field "))
    seconds = float(re.search(r"seconds=([\d.]+)", out).group(1))
    return seconds, {k: int(v) for k, v in fields.items()}


def field_counts(results):
    return {field: sum(1 for r in results if r[field]) for field in results[0]}


def main():
    binary, folders = os.path.abspath(sys.argv[1]), sys.argv[2:]
    files = sorted(
        os.path.join(root, name)
        for folder in folders
        for root, _, names in os.walk(folder)
        for name in names
        if name.endswith(".txt")
    )
    texts = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    ours, theirs, log = [], [], []
    for i in range(REPEATS):
        seconds, rust_fields = rust_run(binary, files)
        ours.append(seconds)
        seconds, results = python_run(texts)
        theirs.append(seconds)
        log.append(f"run {i + 1}: schoolsight {ours[-1]:.6f} s, python {theirs[-1]:.6f} s")
    python_fields = field_counts(results)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    lines = [
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; documents: {len(files)} ({megabytes:.1f} MB of text), runs: {REPEATS} each, alternating",
        "",
        "| parser | best | median | docs/s (best) |",
        "|---|---:|---:|---:|",
    ]
    for name, times in [("Schoolsight `parse`", ours), ("Python `re` extractor", theirs)]:
        best = min(times)
        lines.append(f"| {name} | {best:.3f} s | {statistics.median(times):.3f} s | {len(files) / best:,.0f} |")
    lines += [
        "",
        f"ratio of best times (Python / Schoolsight): {min(theirs) / min(ours):.2f}x",
        "",
        "| field | documents giving it: Schoolsight | Python |",
        "|---|---:|---:|",
    ]
    lines += [f"| {f} | {rust_fields.get(f, '?')} | {python_fields[f]} |" for f in python_fields]
    linear = subprocess.run([binary, "linear", LINEAR_FILE], check=True, capture_output=True, text=True).stdout
    lines += ["", "Schoolsight parse time per KB, one document repeated:", "", "```", linear.rstrip(), "```"]
    by_size = subprocess.run([binary, "sizes", *files], check=True, capture_output=True, text=True).stdout
    lines += ["", "Schoolsight parse time per KB, the same documents in four groups by length:", "", "```", by_size.rstrip(), "```"]
    report = "\n".join(lines)
    print(report)
    with open(LOG, "a", encoding="utf-8") as f:
        f.write("\n".join(log) + "\n" + report + "\n\n")


if __name__ == "__main__":
    main()
