"""``python -m newsmark`` and the ``newsmark`` command: the command line, imported when run.

Worker processes (spawned by a large import, the suggestions, page extraction) import the
program's main module again before their own work; importing the command line here at the top
cost each of them its import (~0.1 s of CPU) at the start of every import."""


def main() -> None:
    from newsmark.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
