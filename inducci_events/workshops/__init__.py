"""Events and workshop series: sessions, enrolment under capacity, waitlist, attendance."""
