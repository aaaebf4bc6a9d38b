"""The inventory service: presentations, lots, the stock ledger per location x lot, shipments, cold chain.

Foundation slice: national warehouse receipts (``DoseReceived``) and the stock-on-hand read model.
"""
