"""Display currencies: exchange rates (admin table, bundled snapshot, rate files) and approximate prices."""
