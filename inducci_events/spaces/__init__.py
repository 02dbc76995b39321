"""Pop-up space listings: vacant shops, showroom shelves and plug-and-play boxes booked by
whole days ``[start_date, end_date)``, with units per day and organiser approval."""
