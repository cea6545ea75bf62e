"""``python -m partnergraph`` and the ``partnergraph`` console script.

A question asked before, of the same data, here, by the same code, is answered from the answer cache
(:mod:`partnergraph.files.answers`) before anything that loads the graph is imported; every other command line
runs the CLI (:mod:`partnergraph.cli`), recording its answer when it is a question.
"""

import os
import sys

from .files import answers

# run as the program (python -m partnergraph, or imported by the console script): a recorded answer ends it here
_PROGRAM = __name__ == "__main__" or os.path.basename(sys.argv[0]).startswith("partnergraph")
_status = answers.play(sys.argv[1:]) if _PROGRAM else None
if _status is not None:
    sys.exit(_status)

from .cli import main as cli_main  # noqa: E402  (after the answer cache: only a command that runs needs it)

__all__ = ["main"]


def main() -> None:
    """Run the command line in ``sys.argv`` (as ``partnergraph``)."""
    with answers.recording(sys.argv[1:]):
        cli_main(prog_name="partnergraph")


if __name__ == "__main__":
    main()
