"""Help-desk office hours: desks, advisers, office-hour rules, computed slots, appointments,
and mentoring visits on demand (the CCI Help-desks of Padova and Kranj)."""
