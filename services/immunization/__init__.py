"""The immunization service: sessions, visits (check-in, screening, vaccination, observation), vials, dose
records, AEFI, and the offline-device batch upload. See docs/services/immunization.md.
"""
