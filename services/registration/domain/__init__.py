"""The registration domain (pure): events, reference data, field rules, the person aggregate, the national-ID
guard and appointments. Nothing here imports Flask, psycopg, Kafka or protobuf.
"""
