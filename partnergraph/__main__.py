"""``python -m partnergraph`` and the ``partnergraph`` console script.

A question asked before, of the same data, here, by the same code, is answered from the answer cache
(:mod:`partnergraph.files.answers`) before anything that loads the graph is imported; a listing question of data
loaded before is answered from the claim index (:mod:`partnergraph.cli.quick`: no click, no networkx); every
other command line runs the CLI (:mod:`partnergraph.cli.app`). A question's answer is recorded either way.
"""

import os
import sys

from .files import answers

# run as the program (python -m partnergraph, or imported by the console script): a recorded answer ends it here
_PROGRAM = __name__ == "__main__" or os.path.basename(sys.argv[0]).startswith("partnergraph")
_status = answers.play(sys.argv[1:]) if _PROGRAM else None
if _status is not None:
    sys.exit(_status)

from . import cli  # noqa: E402  (after the answer cache: only a command that runs needs it)
from .cli import quick  # noqa: E402

__all__ = ["main"]


def main() -> None:
    """Run the command line in ``sys.argv`` (as ``partnergraph``)."""
    argv = sys.argv[1:]
    with answers.recording(argv):
        status = quick.answer(argv)
        if status is not None:
            sys.exit(status)
        cli.main(prog_name="partnergraph")


if __name__ == "__main__":
    main()
