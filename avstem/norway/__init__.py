"""Norwegian identifiers and the bank calendar. Pure Python: no Django import."""
