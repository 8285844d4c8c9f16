"""Tables of a location, each with a QR code leading to its menu (table ordering)."""
