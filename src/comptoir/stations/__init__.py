"""Kitchen stations: where each order line is prepared, the tickets they print, and the
kitchen display that lists them (orders issue)."""
