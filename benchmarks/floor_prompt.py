"""The floor for a first prompt: a Typer app that prints a rich panel and asks a questionary select.

Nothing mlsd-specific: this is what the required libraries cost before any case is read.
"""

import typer

app = typer.Typer()


@app.command()
def ask() -> None:
    """Print a panel, then ask."""
    import questionary
    from rich.console import Console
    from rich.panel import Panel

    Console().print(Panel("A case prompt would be here."))
    questionary.select("Ask the interviewer", choices=["a", "b"]).unsafe_ask()


@app.command()
def bye() -> None:
    """Say goodbye."""
    typer.echo("bye")


if __name__ == "__main__":
    app()
