"""The ``vaxtrail`` developer CLI: local stack (PostgreSQL, Kafka), service processes, tokens, migrations.

Entry point: :func:`vaxtrail_cli.main.main`. Infrastructure helpers (:mod:`.kafka_broker`,
:mod:`.postgres_server`, :mod:`.topics_admin`) take explicit folders and ports so that the test suite can
run throwaway servers in a temporary folder.
"""
