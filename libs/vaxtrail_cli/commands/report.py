"""``vaxtrail report [--as-of TIME]``: the campaign's figures over an export, as PNG charts, one HTML page and
``report.json`` (read by the response-centre dashboard; docs/analysts.md says why a file and not a route).

Coverage, drop-out, doses per day, wastage, AEFI rates and time to certificate come from the export
(``vaxtrail export`` first; as of TIME only events recorded by then count); a dose's day is its day in
``CAMPAIGN_TIME_ZONE`` (default Asia/Ho_Chi_Minh). Stock per province comes from
inventory's ``stock_on_hand`` read model - live, or replayed as of TIME into throw-away schemas.
"""

from __future__ import annotations

import argparse

HELP = "campaign figures over an export: PNG charts, one self-contained HTML page and report.json"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--export", required=True, help="the folder `vaxtrail export --out` wrote")
    parser.add_argument("--out", required=True, help="where to write report.json, report.html and the PNGs")
    parser.add_argument("--as-of", default="now", metavar="TIME",
                        help="ISO-8601 time with a zone, or 'now' (default): events recorded by then")
    parser.add_argument("--population", help="a vaxtrail.population JSON file (default: the shipped census "
                                             "figures, vn-census-2019.v2)")
    parser.add_argument("--no-stock", action="store_true", help="skip inventory's read model (no database)")


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from vaxtrail_analytics.report import build, population, stock

    from eventkit.clock import CAMPAIGN_TIME_ZONE, campaign_zone
    from eventkit.settings import Settings, SettingsError
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, stack_paths
    from vaxtrail_cli.commands.replay import parse_moment

    load_stack_env(stack_paths())
    moment = parse_moment(args.as_of)
    if not (Path(args.export) / "export-state.json").exists():
        raise CommandError(f"{args.export} is not an export folder: run `vaxtrail export --out {args.export}`")
    try:
        people = population.load(Path(args.population) if args.population else None)
    except (OSError, ValueError, KeyError) as exc:
        raise CommandError(f"population file: {exc}") from exc

    def stock_by_province() -> dict[str, int]:
        if args.no_stock:
            return {}
        try:
            settings = Settings.from_env("inventory")
        except SettingsError as exc:
            raise CommandError(f"{exc} (or pass --no-stock)") from exc
        return stock.live(settings.database_url) if args.as_of == "now" else stock.as_of(settings, moment)

    zone = os.environ.get("CAMPAIGN_TIME_ZONE") or CAMPAIGN_TIME_ZONE
    try:
        campaign_zone(zone)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    report = build(Path(args.export), Path(args.out), moment, people, stock_by_province, zone)
    by_province = report["coverage"]["by_province"]
    print(f"report as of {report['as_of']}: {sum(r['registered'] for r in by_province):,} registered, "
          f"{sum(r['dose1'] for r in by_province):,} with dose 1, {sum(r['dose2'] for r in by_province):,} with "
          f"dose 2; written to {args.out} (report.html, report.json, PNGs)")
    return 0
