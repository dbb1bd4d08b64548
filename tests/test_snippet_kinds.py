"""Snippets of every kind (Python, SQL, shell, JavaScript and a kind the talk declares) keep
the same contract: their own session, output compared with the recording, provenance naming
what ran them, one-line errors; and one that needs no database starts no server.

One small talk for the module (the minimal fixture, with a snippet of each kind and Perl
declared in mkdocs.yml), recorded once; each test changes what it needs and puts it back.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from snippet_support import changed

from talksite import cli, snippets
from talksite.deck import load_slides
from talksite.errors import MacroError
from talksite.postgres import DatabaseSource, Pool
from talksite.present.catalog import demos
from talksite.project import Project, load_project
from talksite.site.content import check_content
from talksite.site.snippet_macro import render_snippet
from talksite.snippets import provenance
from talksite.snippets.kinds import SnippetSettings, declared_kind

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "minimal_talk"
DECLARED = """\
  - talksite:
      snippet_kinds:
        - extension: .pl
          run: perl -w {path}
          version: perl --version
          lexer: perl
"""
#: Each kind's snippet: (file, text, the lexer its page shows it with).
SNIPPETS = {
    "sql": (
        "ask.sql",
        "-- How many?\n-- talksite: timeout=20\n-- --8<-- [start:ask]\n"
        "SELECT 40 + 2 AS answer;\n-- --8<-- [end:ask]\n",
        "postgresql",
    ),
    "shell": (
        "bash.sh",
        '# talksite: no-database\necho "hello from bash, database: ${DATABASE_URL:-none}"\n',
        "bash",
    ),
    "javascript": (
        "node.mjs",
        "// talksite: no-database\n"
        'console.log(`hello from node, database: ${process.env.DATABASE_URL ?? "none"}`);\n',
        "javascript",
    ),
    "python": (
        "python.py",
        "# talksite: no-database\nimport os\n\n"
        'print("hello from python, database:", os.environ.get("DATABASE_URL", "none"))\n',
        "python",
    ),
    "declared": (
        "perl.pl",
        '# talksite: no-database\nprint "hello from perl, database: ",'
        ' ($ENV{DATABASE_URL} // "none"), "\\n";\n',
        "perl",
    ),
}
WITHOUT_DATABASE = [kind for kind in SNIPPETS if kind != "sql"]


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Project:
    folder = tmp_path_factory.mktemp("kinds") / "talk"
    shutil.copytree(FIXTURE, folder)
    config = folder / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - talksite\n", DECLARED))
    layer = folder / "snippets" / "kinds"
    layer.mkdir(parents=True)
    for name, text, _ in SNIPPETS.values():
        (layer / name).write_text(text)
    return load_project(config)


@pytest.fixture(scope="module")
def recorded(talk: Project, talksite_databases: DatabaseSource) -> dict[str, snippets.Snippet]:
    """Each kind's snippet, run once and recorded."""
    found = {s.path.name: s for s in snippets.discover(talk.snippets_dir, talk.snippet_settings)}
    chosen = {kind: found[name] for kind, (name, _, _) in SNIPPETS.items()}
    for snippet in chosen.values():
        outcome = snippets.check(snippet, talksite_databases)
        assert outcome.result.ok, outcome.failure()
        snippets.record(outcome)
    return chosen


@pytest.mark.parametrize("kind", SNIPPETS)
def test_each_kind_matches_its_recording_and_a_changed_line_fails(
    kind: str, recorded: dict[str, snippets.Snippet], talksite_databases: DatabaseSource
) -> None:
    snippet = recorded[kind]
    assert snippets.check(snippet, talksite_databases).failure() is None
    recording = snippet.recording_path.read_text()
    lines = recording.splitlines(keepends=True)
    with changed(snippet.recording_path, "".join([*lines[:-1], "a changed line\n"])):
        failure = snippets.check(snippet, talksite_databases).failure()
    assert failure is not None
    assert "printed something else than recorded" in failure
    assert "-a changed line" in failure
    assert f"+{lines[-1]}" in failure


def test_what_each_kind_printed(recorded: dict[str, snippets.Snippet]) -> None:
    """Exactly what each tool prints; no DATABASE_URL for a snippet that needs none."""
    printed = {kind: snippet.recording_path.read_text() for kind, snippet in recorded.items()}
    assert printed["sql"] == " answer\n--------\n     42\n(1 row)\n"
    assert printed["shell"] == "hello from bash, database: none\n"
    assert printed["javascript"] == "hello from node, database: none\n"
    assert printed["python"] == "hello from python, database: none\n"
    assert printed["declared"] == "hello from perl, database: none\n"


def test_provenance_names_only_what_the_run_used(recorded: dict[str, snippets.Snippet]) -> None:
    def keys(kind: str) -> list[str]:
        sidecar = provenance.sidecar(recorded[kind].recording_path)
        return list(json.loads(sidecar.read_text()))

    assert keys("sql") == ["postgresql", "psql", "recorded_on"]
    assert keys("shell") == ["bash", "recorded_on"]
    assert keys("javascript") == ["node", "recorded_on"]
    assert keys("python") == ["python", "recorded_on"]
    assert keys("declared") == ["perl", "recorded_on"]
    made = provenance.read(recorded["sql"].recording_path)
    assert isinstance(made, provenance.Provenance)
    server, client = made.version("postgresql"), made.version("psql")
    day = made.recorded_on.isoformat()
    assert made.sentence() == f"Recorded on {day} with PostgreSQL {server} and psql {client}."


def test_a_sql_syntax_error_fails_with_psqls_message_the_file_and_the_line(
    talk: Project, talksite_databases: DatabaseSource
) -> None:
    path = talk.snippets_dir / "kinds" / "broken.sql"
    path.write_text("SELECT 1;\n\nSELEC 2;\n")
    try:
        snippet = snippets.load(path, talk.snippets_dir, talk.snippet_settings)
        outcome = snippets.check(snippet, talksite_databases)
    finally:
        path.unlink()
    failure = outcome.failure()
    assert failure is not None
    assert failure.startswith("snippets/kinds/broken.sql exited with status 3; its output:")
    assert 'psql:snippets/kinds/broken.sql:3: ERROR:  syntax error at or near "SELEC"' in failure


def test_an_unknown_kind_is_one_line(talk: Project, capsys: pytest.CaptureFixture[str]) -> None:
    expected = (
        "unknown snippet kind '.rb'; expected one of .py, .sql, .sh, .mjs, .pl"
        " or a kind declared in mkdocs.yml"
    )
    path = talk.snippets_dir / "kinds" / "hello.rb"
    path.write_text('puts "hello"\n')
    try:
        # `talksite run`, a page's snippet() and the content check say the same line.
        assert cli.main(["run", "-f", str(talk.config_file), str(path)]) == 2
        assert capsys.readouterr().err == f"talksite: {path}: {expected}\n"
        with pytest.raises(MacroError) as error:
            render_snippet(
                "kinds/hello.rb",
                snippets_dir=talk.snippets_dir,
                folder="snippets",
                settings=talk.snippet_settings,
            )
        assert str(error.value) == f"snippet('kinds/hello.rb'): {expected}"
        page = talk.folder / "docs" / "only-layer.md"
        with changed(page, page.read_text() + '\n{{ snippet("kinds/hello.rb") }}\n'):
            content = check_content(talk, docs_dir=talk.folder / "docs")
        lines = [str(problem) for problem in content.problems]
        line = page.read_text().count("\n") + 2
        assert f"docs/only-layer.md:{line}: kinds/hello.rb: {expected}" in lines
    finally:
        path.unlink()


def test_snippets_without_a_database_start_no_server(
    talk: Project, recorded: dict[str, snippets.Snippet]
) -> None:
    """Through a pool of their own: no server in it, and no postgres process of ours."""
    before = _postgres_children()
    with Pool() as pool:
        for kind in WITHOUT_DATABASE:
            snippet = recorded[kind]
            assert not snippet.uses_database
            assert snippets.check(snippet, pool).failure() is None
            assert pool.servers == []
            assert _postgres_children() == before
    # And through `talksite run`, which makes a pool of its own too.
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        path = recorded["declared"].path
        assert cli.main(["run", "-f", str(talk.config_file), str(path)]) == 0
    assert stdout.getvalue() == "hello from perl, database: none\n"
    assert _postgres_children() == before


def _postgres_children() -> set[int]:
    """The postgres processes this process started (servers run as its children)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            if parent == os.getpid() and name == "postgres":
                found.add(int(entry.name))
    return found


@pytest.mark.parametrize("kind", SNIPPETS)
def test_the_page_shows_each_kind_with_its_lexer(
    kind: str, talk: Project, recorded: dict[str, snippets.Snippet]
) -> None:
    name, _, lexer = SNIPPETS[kind]
    markdown = render_snippet(
        f"kinds/{name}",
        snippets_dir=talk.snippets_dir,
        folder="snippets",
        verified_on=(18, 15),
        settings=talk.snippet_settings,
    )
    assert f'```{lexer} title="snippets/kinds/{name}"' in markdown
    # The versions a database snippet is checked on mean nothing to one without a database.
    assert ("Checked on PostgreSQL 18" in markdown) is (kind == "sql")


def test_directives_are_read_in_each_kinds_comments(tmp_path: Path) -> None:
    sql = tmp_path / "a.sql"
    sql.write_text("-- talksite: timeout=5 precision=1\n# talksite: not-a-directive-here\n")
    assert snippets.parse_directives(sql).timeout_s == 5.0
    assert snippets.parse_directives(sql).precision_s == 1.0
    script = tmp_path / "a.mjs"
    script.write_text("// talksite: no-database waits=2\n")
    assert snippets.parse_directives(script).services == frozenset()
    assert snippets.parse_directives(script).waits_s == 2.0


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.sql", "SELECT 1;\n-- talksite: no-database\n", "always runs against a database"),
        ("a.py", "# talksite: no-database\n# talksite: replica\n", "replica needs a database"),
        ("a.sh", "echo\n# talksite: no-database server.work_mem=1MB\n", "server.work_mem needs"),
    ],
)
def test_directives_that_contradict_are_one_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(snippets.SnippetError, match=message) as error:
        snippets.parse_directives(path)
    assert str(error.value).startswith(f"{path}:2:")
    assert "\n" not in str(error.value)


def test_a_talk_wide_default_without_a_database(tmp_path: Path) -> None:
    none = SnippetSettings.of(needs=[])
    plain, wants = tmp_path / "plain.py", tmp_path / "wants.py"
    plain.write_text("print(1)\n")
    wants.write_text("# talksite: database\nprint(1)\n")
    assert snippets.parse_directives(plain, none).services == frozenset()
    assert snippets.parse_directives(wants, none).services == {"database"}
    assert snippets.parse_directives(plain).services == {"database"}
    query = tmp_path / "q.sql"
    query.write_text("SELECT 1;\n")
    assert snippets.parse_directives(query, none).services == {"database"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"extension": "go", "run": "go run", "version": "go version"}, r"extension: 'go'"),
        ({"extension": ".py", "run": "x", "version": "x"}, r"\.py is built in"),
        ({"extension": ".go", "run": "go run"}, r"snippet_kinds\[0\]\.version: expected text"),
        ({"extension": ".go", "run": "go run", "version": "v", "lexer": "nope"}, "no Pygments"),
        ({"extension": ".go", "run": "r", "version": "v", "runs": "r"}, "unknown field 'runs'"),
    ],
)
def test_a_declared_kind_that_is_wrong_says_which_field(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        declared_kind(options, 0)


def test_a_declared_kind_runs_its_command_on_the_snippet() -> None:
    kind = declared_kind({"extension": ".go", "run": "go run", "version": "go version"}, 0)
    assert kind.command == ("go", "run", "{path}")
    assert (kind.comment, kind.lexer, kind.tool) == ("#", "go", "go")
    awk = declared_kind(
        {"extension": ".awk", "run": "awk -f {path} /dev/null", "version": "awk -W version"}, 0
    )
    assert awk.command == ("awk", "-f", "{path}", "/dev/null")


def test_two_kinds_with_one_name_would_share_a_recording(tmp_path: Path) -> None:
    root = tmp_path / "snippets"
    (root / "layer").mkdir(parents=True)
    (root / "layer" / "twin.py").write_text("print(1)\n")
    (root / "layer" / "twin.sh").write_text("echo 1\n")
    with pytest.raises(snippets.SnippetError) as error:
        snippets.discover(root)
    assert str(error.value) == (
        f"{root}/layer/twin.sh: shares its recording twin.out with twin.py;"
        " expected a name of its own"
    )


@pytest.fixture(scope="module")
def companions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snippets folder whose companions live in a helper folder (not snippets themselves)."""
    root = tmp_path_factory.mktemp("companions") / "snippets"
    (root / "layer" / "_actors").mkdir(parents=True)
    (root / "layer" / "_actors" / "state.sh").write_text(
        'echo $$ > "$(dirname "$0")/pid"\necho "not for the snippet"\n'
        "echo GREETING=hello\necho ready\nexec sleep 60\n"
    )
    (root / "layer" / "_actors" / "broken.sh").write_text("echo setting up\nexit 3\n")
    return root


def test_a_companion_sets_the_state_up_first_and_is_ended_after(companions: Path) -> None:
    path = companions / "layer" / "greets.sh"
    path.write_text(
        '# talksite: no-database companion=_actors/state.sh\necho "${GREETING:-nobody}"\n'
    )
    snippet = snippets.load(path, companions)
    with Pool() as pool:
        outcome = snippets.check(snippet, pool)
        assert pool.servers == []
    assert outcome.result.ok, outcome.failure()
    assert outcome.output == "hello\n"  # only what the snippet printed
    pid = int((companions / "layer" / "_actors" / "pid").read_text())
    assert not Path(f"/proc/{pid}").exists()
    assert [s.path.name for s in snippets.discover(companions)] == ["greets.sh"]


def test_a_companion_that_fails_fails_the_run_with_its_output(companions: Path) -> None:
    path = companions / "layer" / "never.sh"
    path.write_text("# talksite: no-database companion=_actors/broken.sh\necho never\n")
    try:
        with Pool() as pool:
            outcome = snippets.check(snippets.load(path, companions), pool)
    finally:
        path.unlink()
    assert outcome.failure() == (
        "snippets/layer/never.sh its companion snippets/layer/_actors/broken.sh exited with"
        " status 3 before it printed 'ready'; its output:\nsetting up\n"
    )


def test_a_companion_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "a.sql"
    path.write_text("-- talksite: companion=_actors/missing.py\nSELECT 1;\n")
    with pytest.raises(snippets.SnippetError) as error:
        snippets.parse_directives(path)
    assert str(error.value) == (
        f"{path}:1: companion=_actors/missing.py: no such file beside the snippet;"
        " expected a program of a known kind, such as _x.py"
    )


def test_the_deck_runs_sql_and_shell_snippets_live() -> None:
    """`talksite present` finds the snippets of the other kinds on this talk's slides."""
    project = load_project(REPO / "mkdocs.yml")
    slides = load_slides(project.slides_file, source="talk/slides.md")
    found = demos(slides, project.snippets_dir, project.snippet_settings)
    kinds = {demo.snippet.kind.extension for demo in found.values()}
    assert {".py", ".sql", ".sh"} <= kinds
