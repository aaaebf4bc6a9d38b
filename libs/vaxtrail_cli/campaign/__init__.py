"""The campaign driver: a national vaccination campaign driven through the services' public HTTP APIs only.

Every call carries a bearer token minted for the role and scope a real client of that kind would hold.
Used by ``vaxtrail load`` (the end-to-end load generator), ``vaxtrail demo`` (a small complete campaign),
``vaxtrail_cli.bench.e2e`` (the short load run of ``make bench``) and the end-to-end tests.

=============== ==============================================================================
``client``      keep-alive HTTP per thread and service, latency per route
``actors``      tokens of each role and scope; the business clock
``people``      fresh citizen IDs, the organisation upload's CSV
``registry``    self-registration, approval, district assignment, check-in passes
``polling``     waiting for another service's read model: poll a read, or resend a refused write
``supply``      reference data, lots, receipts, plans, shipments, sessions, dispensing
``siteday``     a session day's lanes: interactive tables and offline devices
``observe``     when a dose shows in each downstream read model
``checks``      exact counts across services after a run
``report``      rates, percentiles, the Markdown table
``load``        ``vaxtrail load``'s run: setup, the day, the end
``demo``        ``vaxtrail demo``'s campaign
``audit``       the demo's last step: a dose's audit trail printed, an inclusion proof verified
``target``      the local stack's URLs and signing key
=============== ==============================================================================
"""
