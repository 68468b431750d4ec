"""Workload generators of scripts/bench: the revision graph of W1 and W4 (stdlib only)."""

import os


def revision_id(number):
    return "%012x" % (0x1000_0000_0000 + number * 7919)


def graph(count):
    """A main line that every 25 revisions forks into three branches of 4 revisions each and
    merges them back; every fifth fork's middle branch carries a label, and every third fork
    has a dependency across its branches. Returns a list of dicts (oldest first) with
    revision, parents, labels, depends, message, upgrade and downgrade (lists of SQL)."""
    revisions = []
    head = None

    def add(parents, labels=(), depends=()):
        number = len(revisions)
        rid = revision_id(number)
        table = "t_" + rid
        revisions.append({
            "number": number + 1, "revision": rid, "parents": list(parents), "labels": list(labels),
            "depends": list(depends), "message": "revision %d" % (number + 1),
            "upgrade": ["CREATE TABLE %s (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)" % table,
                        "CREATE INDEX ix_%s_name ON %s (name)" % (table, table)],
            "downgrade": ["DROP INDEX ix_%s_name" % table, "DROP TABLE %s" % table],
        })
        return rid

    fork = 0
    while len(revisions) < count:
        number = len(revisions)
        if number % 25 == 24 and count - number >= 14:
            fork += 1
            tips = []
            first_branch = []
            for branch in range(3):
                tip = head
                for step in range(4):
                    labels = ["branch%d" % fork] if branch == 1 and step == 0 and fork % 5 == 0 else []
                    # Every third fork, the last branch depends on the first one's second step.
                    depends = [first_branch[1]] if branch == 2 and step == 3 and fork % 3 == 0 else []
                    tip = add([tip] if tip else [], labels, depends)
                    if branch == 0:
                        first_branch.append(tip)
                tips.append(tip)
            head = add(tips)
        else:
            head = add([head] if head else [])
    return revisions


def write_sql_revisions(versions, revisions):
    """Writes revisions (as returned by graph) as migrate SQL migration files."""
    os.makedirs(versions, exist_ok=True)
    for r in revisions:
        text = (
            "-- %s\n-- revision: %s\n-- down_revision: %s\n-- branch_labels: %s\n"
            "-- depends_on: %s\n\n-- migrate:upgrade\n%s\n\n-- migrate:downgrade\n%s\n"
        ) % (r["message"], r["revision"], ", ".join(r["parents"]), ", ".join(r["labels"]),
             ", ".join(r["depends"]), "".join(s + ";\n" for s in r["upgrade"]),
             "".join(s + ";\n" for s in r["downgrade"]))
        with open(os.path.join(versions, "%s_revision_%d.sql" % (r["revision"], r["number"])), "w") as f:
            f.write(text)


def write_alembic_revisions(versions, revisions):
    """Writes the same revisions as Alembic migration scripts running the same SQL."""
    os.makedirs(versions, exist_ok=True)

    def value(items):
        if not items:
            return "None"
        return repr(items[0]) if len(items) == 1 else repr(tuple(items))

    for r in revisions:
        body = lambda statements: "".join("    op.execute(%r)\n" % s for s in statements) or "    pass\n"
        text = (
            '"""%s"""\nfrom alembic import op\n\nrevision = %r\ndown_revision = %s\n'
            "branch_labels = %s\ndepends_on = %s\n\n\ndef upgrade():\n%s\n\ndef downgrade():\n%s"
        ) % (r["message"], r["revision"], value(r["parents"]), value(r["labels"]),
             value(r["depends"]), body(r["upgrade"]), body(r["downgrade"]))
        with open(os.path.join(versions, "%s_revision_%d.py" % (r["revision"], r["number"])), "w") as f:
            f.write(text)


def generate(folder, count):
    """W1's environment: migrate.json and `count` SQL revisions in folder/versions."""
    revisions = graph(count)
    write_sql_revisions(os.path.join(folder, "versions"), revisions)
    with open(os.path.join(folder, "migrate.json"), "w") as f:
        f.write('{"url": "sqlite:///bench.sqlite3"}\n')
    return len(revisions)
