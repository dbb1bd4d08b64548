"""What one run of a snippet gave: its output, its exit, and whether it ended cleanly."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RunResult"]


@dataclass(frozen=True)
class RunResult:
    output: str
    returncode: int
    duration_s: float
    timed_out: bool
    leftover_processes: tuple[str, ...] = ()
    #: Why the snippet's companion never got the state ready (then the snippet did not run).
    companion_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.leftover_processes

    def problem(self) -> str:
        """Why the run failed, in one line, or an empty string."""
        if self.companion_problem:
            return self.companion_problem
        if self.timed_out:
            return f"timed out after {self.duration_s:.1f} s"
        if self.returncode != 0:
            return f"exited with status {self.returncode}"
        if self.leftover_processes:
            return "left processes running: " + "; ".join(self.leftover_processes)
        return ""
