"""Invoices and tax: tax rules per ticket type, VAT ids, numbered invoices and credit notes, their PDFs, the tax report.

`tax` (the maths and VAT id formats), `settings` (the organiser's details), `buyer` (the company at checkout),
`numbering` (the only writer of invoices: called by orders/lifecycle in the transaction that makes an order paid
or refunds it), `admin` (regenerate after a correction), `pdf`, `links` (who may download), `report` (per
period, rate and currency).
"""
