"""The wheel carries the bundled corpus: ``data/`` (the source of truth, at the top of the repository) is copied
into the package as ``partnergraph/_data/`` when the package is built. Everything else is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCorpus(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "partnergraph" / "_data"
        target.mkdir(parents=True, exist_ok=True)
        for f in sorted((HERE / "data").iterdir()):
            if f.is_file() and f.suffix in (".bib", ".ttl", ".md"):
                self.copy_file(str(f), str(target / f.name))


setup(cmdclass={"build_py": BuildWithCorpus})
