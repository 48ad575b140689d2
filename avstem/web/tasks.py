"""A trivial task so operators (and the CLI tests) can check that a worker is alive."""

from django_tasks import task


@task()
def ping(message: str) -> str:
    return f"pong:{message}"
