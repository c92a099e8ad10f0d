import click

@click.group()
def main():
    """strikewatch"""
