"""Sub-commands that run the web app and its workers: serve, demo, worker, createuser, manage."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import webbrowser

DEFAULT_PORT = 8000


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avstem.settings")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def run_server(host: str, port: int, threads: int = 8) -> None:
    """Serve the WSGI app with waitress (a production server; static files via WhiteNoise)."""
    from waitress import serve

    from avstem.wsgi import application

    serve(application, host=host, port=port, threads=threads, ident="avstem")


def cmd_serve(args) -> int:
    setup_django()
    migrate()
    print(f"Avstem is running at http://{args.host}:{args.port}/", flush=True)
    run_server(args.host, args.port, args.threads)
    return 0


def start_worker_process() -> subprocess.Popen:
    """The task worker as a child process, so the demo runs background jobs too."""
    return subprocess.Popen([sys.executable, "-m", "avstem.cli", "worker"], env=os.environ.copy())


def sandbox_data_dir() -> str:
    """The demo's sandbox bank keeps its data beside the demo's."""
    return os.path.join(os.environ.get("AVSTEM_DATA_DIR", "var"), "sandbox-bank")


def start_sandbox_bank_process(host: str, port: int, start_day=None) -> subprocess.Popen:
    """The sandbox bank as a child process, seeded with the demo companies (and the traffic
    planned for them in its data directory); the admin key is shared through the environment
    with the web app. `start_day`: the first bank day of a new data directory."""
    os.environ.setdefault("AVSTEM_SANDBOX_ADMIN_KEY", secrets.token_urlsafe(18))
    os.environ.setdefault("AVSTEM_SANDBOX_BANK_URL", f"http://{host}:{port}")
    command = ["sandbox-bank", "--host", host, "--port", str(port), "--data", sandbox_data_dir(), "--demo", "--quiet"]
    if start_day is not None:
        command += ["--start-day", start_day.isoformat()]
    return subprocess.Popen([sys.executable, "-m", "avstem.cli", *command], env=os.environ.copy())


def start_scheduler_process() -> subprocess.Popen:
    """The bank sync scheduler (enqueues each agreement's next-morning sync)."""
    return subprocess.Popen([sys.executable, "-m", "avstem.cli", "scheduler"], env=os.environ.copy())


def cmd_demo(args) -> int:
    print("Preparing the database and the demo companies (the first start takes a little while) ...", flush=True)
    # The settings read the bank's address once, so it is in the environment before they load
    # (with --bank-port the web app otherwise sent the user to the default port).
    os.environ.setdefault("AVSTEM_SANDBOX_BANK_URL", f"http://{args.host}:{args.bank_port}")
    setup_django()
    migrate()
    from django.utils import timezone

    from avstem.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo, set_aside_stale_bank, write_bank_traffic

    today = timezone.localdate()  # one day for the books, the bank's plan and the bank's first day
    ensure_demo(today)
    earlier = set_aside_stale_bank(sandbox_data_dir())
    if earlier is not None:
        print(f"The sandbox bank's data was made for an earlier demo database: moved to {earlier}/, "
              "and the bank starts afresh with these books.", flush=True)
    write_bank_traffic(sandbox_data_dir(), today)
    url = f"http://{args.host}:{args.port}/"
    print(
        "\n".join(
            [
                "",
                f"  Avstem demo: {url}",
                f"  Log in as {DEMO_EMAIL} with password {DEMO_PASSWORD}",
                f"  Sandbox bank: http://{args.host}:{args.bank_port}/",
                f"  Data: {os.environ.get('AVSTEM_DATA_DIR', 'var')}/   Stop with Ctrl+C",
                "",
            ]
        ),
        flush=True,
    )
    # SIGTERM (from a service manager or a test) must stop the children too, not orphan them.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The bank first: it puts its address and admin key in the environment the others inherit.
    children = [start_sandbox_bank_process(args.host, args.bank_port, start_day=today)]
    if not args.no_worker:
        children.append(start_worker_process())
    children.append(start_scheduler_process())
    if not args.no_open:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    try:
        run_server(args.host, args.port)
    finally:
        stop_children(children)
    return 0


def stop_children(children: list[subprocess.Popen], grace: float = 10) -> None:
    """Ask every child to stop at once, then kill the ones still running after `grace` seconds."""
    for child in children:
        child.terminate()
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def cmd_worker(args) -> int:
    setup_django()
    migrate()
    from django.core.management import call_command

    options = ["db_worker", "--queue-name", args.queue]
    if args.batch:
        options += ["--batch", "--no-startup-delay"]
    call_command(*options)
    return 0


def cmd_createuser(args) -> int:
    setup_django()
    migrate()
    from django.contrib.auth.password_validation import ValidationError, validate_password
    from django.db import transaction

    from avstem.companies.models import Company, Membership
    from avstem.users.models import User
    from avstem.users.services import create_user

    password = args.password or os.environ.get("AVSTEM_PASSWORD") or getpass.getpass("Password: ")
    try:
        validate_password(password, User(email=args.email, name=args.name or ""))
    except ValidationError as exc:
        print("Password refused: " + " ".join(exc.messages), file=sys.stderr)
        return 2
    if User.objects.filter(email__iexact=args.email).exists():
        print(f"A user with the e-mail {args.email} already exists.", file=sys.stderr)
        return 2
    with transaction.atomic():
        user = create_user(args.email, password, name=args.name or "", job="cli:createuser")
        if args.company:
            company = Company.objects.filter(org_number=args.company).first()
            if company is None:
                print(f"No company has organisation number {args.company}.", file=sys.stderr)
                transaction.set_rollback(True)
                return 2
            Membership.objects.create(user=user, company=company, role=args.role)
    print(f"Created user {user.email}")
    return 0


def cmd_manage(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avstem.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["avstem manage", *args.args])
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="run the web app with a production WSGI server (migrates first)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser("demo", help="set up the demo company and run the web app and a task worker")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--no-open", action="store_true", help="do not open a web browser")
    p.add_argument("--no-worker", action="store_true", help="do not start a task worker")
    p.add_argument("--bank-port", type=int, default=8700, help="port of the sandbox bank (default 8700)")
    p.set_defaults(func=cmd_demo)

    p = subparsers.add_parser("worker", help="run the task worker (django-tasks database backend)")
    p.add_argument("--queue", default="default", help="queue name (default: default)")
    p.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    p.set_defaults(func=cmd_worker)

    from avstem.companies.roles import Role

    p = subparsers.add_parser("createuser", help="create a user who logs in with e-mail and password")
    p.add_argument("--email", required=True)
    p.add_argument("--name")
    p.add_argument("--password", help="default: $AVSTEM_PASSWORD or asked for")
    p.add_argument("--company", metavar="ORGNR", help="make the user a member of this company")
    p.add_argument("--role", default=Role.OWNER.value, choices=[r.value for r in Role])
    p.set_defaults(func=cmd_createuser)

    p = subparsers.add_parser("manage", help="run a Django management command (avstem manage help)")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
